import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BullmqJobQueue,
  InProcessJobQueue,
  InvalidJobIdError,
  PermanentJobError,
  QueueClosedError,
  type JobContext,
  type JobQueue,
  type QueueSpecs,
} from '@parley/queue';
import { REDIS_URL } from '../support/environment.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { eventually as waitFor } from '../support/socket.js';

// Retries and dead letters log by design; the assertions say what happened.
Logger.overrideLogger(false);

interface TestJobs {
  work: { n: number };
  slow: { ms: number };
}
const SPECS: QueueSpecs<TestJobs> = {
  work: { attempts: 3, backoffMs: 100, concurrency: 2 },
  slow: { attempts: 1, backoffMs: 100, concurrency: 1 },
};

interface Adapter {
  name: string;
  open(options?: { processJobs?: boolean; prefix?: string }): Promise<JobQueue<TestJobs>>;
  cleanUp(): Promise<void>;
}

const opened: JobQueue<TestJobs>[] = [];
const prefixes: string[] = [];

const inProcess: Adapter = {
  name: 'in-process',
  open: (options = {}) => Promise.resolve(new InProcessJobQueue(SPECS, options)),
  cleanUp: () => Promise.resolve(),
};

const bullmq: Adapter = {
  name: 'BullMQ on Redis',
  async open(options = {}) {
    const prefix = options.prefix ?? prefixes.at(-1) ?? newPrefix();
    const queue = new BullmqJobQueue(SPECS, {
      url: REDIS_URL,
      prefix,
      processJobs: options.processJobs ?? true,
    });
    await queue.ready();
    return queue;
  },
  async cleanUp() {
    const redis = new Redis(REDIS_URL);
    try {
      for (const prefix of prefixes.splice(0)) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      }
    } finally {
      redis.disconnect();
    }
  },
};

function newPrefix(): string {
  const prefix = `test-queue-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([inProcess, bullmq])('the queue port on $name', (adapter) => {
  const open = async (options?: { processJobs?: boolean; prefix?: string }) => {
    if (adapter === bullmq && !options?.prefix && opened.length === 0) newPrefix();
    const queue = await adapter.open(options);
    opened.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await adapter.cleanUp();
  });

  it('runs a job once with its payload, id and attempt', async () => {
    const queue = await open();
    const seen: [number, JobContext][] = [];
    queue.process('work', (payload, job) => {
      seen.push([payload.n, job]);
      return Promise.resolve();
    });
    await queue.enqueue('work', { id: 'job-1', payload: { n: 7 } });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toEqual([7, { queue: 'work', id: 'job-1', attempt: 1, maxAttempts: 3 }]);
  });

  it('ignores a job id it already knows, waiting or completed', async () => {
    const queue = await open();
    await queue.enqueue('work', { id: 'same', payload: { n: 1 } });
    await queue.enqueue('work', { id: 'same', payload: { n: 2 } });
    const seen: number[] = [];
    queue.process('work', ({ n }) => {
      seen.push(n);
      return Promise.resolve();
    });
    await waitFor(() => seen.length === 1);
    await queue.enqueueMany('work', [
      { id: 'same', payload: { n: 3 } },
      { id: 'other', payload: { n: 4 } },
    ]);
    await waitFor(() => seen.length === 2);
    await sleep(200);
    expect(seen).toEqual([1, 4]);
  });

  it('runs a delayed job no sooner than its delay', async () => {
    const queue = await open();
    let ranAt = 0;
    queue.process('work', () => {
      ranAt = Date.now();
      return Promise.resolve();
    });
    const start = Date.now();
    await queue.enqueue('work', { id: 'later', payload: { n: 1 }, delayMs: 500 });
    await waitFor(() => ranAt > 0);
    expect(ranAt - start).toBeGreaterThanOrEqual(480);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const queue = await open();
    const tries: { attempt: number; at: number }[] = [];
    queue.process('work', (_payload, job) => {
      tries.push({ attempt: job.attempt, at: Date.now() });
      return job.attempt < 3 ? Promise.reject(new Error(`try ${job.attempt}`)) : Promise.resolve();
    });
    await queue.enqueue('work', { id: 'flaky', payload: { n: 1 } });
    await waitFor(() => tries.length === 3);
    expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
    // backoffMs 100: the second try waits 100 ms, the third 200 ms.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(90);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(190);
    await sleep(100);
    expect(await queue.deadLetters('work')).toEqual([]);
  });

  it('keeps a job that failed every try as a dead letter, newest first', async () => {
    const queue = await open();
    let tries = 0;
    queue.process('work', ({ n }) => {
      tries += 1;
      return Promise.reject(new Error(`broken ${n}`));
    });
    await queue.enqueue('work', { id: 'doomed-1', payload: { n: 1 } });
    await waitFor(async () => (await queue.deadLetters('work')).length === 1);
    await queue.enqueue('work', { id: 'doomed-2', payload: { n: 2 } });
    await waitFor(async () => (await queue.deadLetters('work')).length === 2);
    expect(tries).toBe(6);
    const dead = await queue.deadLetters('work');
    expect(dead.map(({ failedAt: _, ...rest }) => rest)).toEqual([
      { queue: 'work', id: 'doomed-2', payload: { n: 2 }, attempts: 3, error: 'broken 2' },
      { queue: 'work', id: 'doomed-1', payload: { n: 1 }, attempts: 3, error: 'broken 1' },
    ]);
    expect(dead[0]!.failedAt.getTime()).toBeGreaterThanOrEqual(dead[1]!.failedAt.getTime());
    // A dead letter's id is still known: enqueueing it again does nothing.
    await queue.enqueue('work', { id: 'doomed-1', payload: { n: 1 } });
    await sleep(300);
    expect(tries).toBe(6);
  });

  it('does not retry a permanent failure', async () => {
    const queue = await open();
    let tries = 0;
    queue.process('work', () => {
      tries += 1;
      return Promise.reject(new PermanentJobError('no retry helps'));
    });
    await queue.enqueue('work', { id: 'hopeless', payload: { n: 1 } });
    await waitFor(async () => (await queue.deadLetters('work')).length === 1);
    await sleep(300);
    expect(tries).toBe(1);
    expect((await queue.deadLetters('work'))[0]).toMatchObject({ attempts: 1, error: 'no retry helps' });
  });

  it('runs at most `concurrency` jobs of a queue at once', async () => {
    const queue = await open();
    let running = 0;
    let most = 0;
    let done = 0;
    queue.process('work', async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(50);
      running -= 1;
      done += 1;
    });
    await queue.enqueueMany(
      'work',
      Array.from({ length: 8 }, (_, i) => ({ id: `c-${i}`, payload: { n: i } })),
    );
    await waitFor(() => done === 8);
    expect(most).toBe(2);
  });

  it('drains on close: a running job finishes, and new jobs are refused', async () => {
    const queue = await open();
    let started = false;
    let finished = false;
    queue.process('slow', async ({ ms }) => {
      started = true;
      await sleep(ms);
      finished = true;
    });
    await queue.enqueue('slow', { id: 'long', payload: { ms: 400 } });
    await waitFor(() => started);
    await queue.close();
    expect(finished).toBe(true);
    await expect(queue.enqueue('slow', { id: 'late', payload: { ms: 1 } })).rejects.toBeInstanceOf(
      QueueClosedError,
    );
  });

  it('refuses job ids that are not deterministic-id shaped', async () => {
    const queue = await open();
    await expect(queue.enqueue('work', { id: 'a:b', payload: { n: 1 } })).rejects.toBeInstanceOf(
      InvalidJobIdError,
    );
    await expect(queue.enqueue('work', { id: '42', payload: { n: 1 } })).rejects.toBeInstanceOf(
      InvalidJobIdError,
    );
  });
});

describe('BullMQ specifics', () => {
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    await bullmq.cleanUp();
  });

  it('a process that does not run jobs leaves them in Redis for a worker, even across a restart', async () => {
    const prefix = newPrefix();
    const api = await bullmq.open({ processJobs: false, prefix });
    opened.push(api);
    const seen: number[] = [];
    api.process('work', ({ n }) => {
      seen.push(n);
      return Promise.resolve();
    });
    await api.enqueue('work', { id: 'for-worker', payload: { n: 5 } });
    await sleep(200);
    expect(seen).toEqual([]);

    const worker = await bullmq.open({ processJobs: true, prefix });
    opened.push(worker);
    worker.process('work', ({ n }) => {
      seen.push(n * 10);
      return Promise.resolve();
    });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([50]);
  });
});

describe('BullMQ after a Redis blip', () => {
  it('still closes promptly while its connections are reconnecting', async () => {
    const redis = new URL(REDIS_URL);
    const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    const queue = new BullmqJobQueue(SPECS, {
      url: proxy.url(REDIS_URL),
      prefix: newPrefix(),
      processJobs: true,
    });
    try {
      await queue.ready();
      queue.process('work', () => Promise.resolve());
      await sleep(300);
      proxy.cut();
      await sleep(1_200);
      proxy.restore();
      await sleep(200);
      const started = Date.now();
      await queue.close();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await proxy.close();
      await bullmq.cleanUp();
    }
  });
});

describe('in-process specifics', () => {
  it('runs the jobs still waiting before close() resolves', async () => {
    const queue = new InProcessJobQueue(SPECS);
    const seen: number[] = [];
    queue.process('slow', async ({ ms }) => {
      await sleep(ms);
      seen.push(ms);
    });
    await queue.enqueueMany('slow', [
      { id: 'a', payload: { ms: 30 } },
      { id: 'b', payload: { ms: 20 } },
    ]);
    await queue.close();
    expect(seen).toEqual([30, 20]);
  });
});
