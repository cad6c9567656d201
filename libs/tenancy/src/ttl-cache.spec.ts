import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache.remember', () => {
  it('gives callers that miss together one load, then serves the kept value until it expires', async () => {
    let now = 0;
    const cache = new TtlCache<string>(1_000, 10, () => now);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `v${loads}`;
    };
    expect(await Promise.all([1, 2, 3].map(() => cache.remember('k', load)))).toEqual(['v1', 'v1', 'v1']);
    expect(await cache.remember('k', load)).toBe('v1');
    expect(loads).toBe(1);
    now = 1_000;
    expect(await cache.remember('k', load)).toBe('v2');
    expect(loads).toBe(2);
  });

  it('keeps no failure: the next caller loads again', async () => {
    const cache = new TtlCache<string>(1_000);
    await expect(cache.remember('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.remember('k', () => Promise.resolve('up'))).toBe('up');
  });
});
