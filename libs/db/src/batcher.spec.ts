import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

describe('Batcher', () => {
  it('runs the first item at once and gathers the ones that arrive meanwhile', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new Batcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((n) => n * 10);
      },
      { maxBatch: 3, maxConcurrent: 1 },
    );
    const results = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n));
    release();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('starts the next batch before the callers of the finished one continue', async () => {
    const started: number[][] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        started.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items;
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const first = batcher.submit(1);
    const second = batcher.submit(2);
    const seenByFirst = await first.then(() => started.length);
    expect(seenByFirst).toBe(2);
    expect(await second).toBe(2);
  });

  it('fails every caller of a failed batch, and only them', async () => {
    const batcher = new Batcher<number, number>(
      async (items) => {
        if (items.includes(2)) throw new Error('boom');
        return items;
      },
      { maxBatch: 1, maxConcurrent: 2 },
    );
    const [one, two, three] = [1, 2, 3].map((n) => batcher.submit(n));
    await expect(one).resolves.toBe(1);
    await expect(two).rejects.toThrow('boom');
    await expect(three).resolves.toBe(3);
  });
});
