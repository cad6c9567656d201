import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import {
  assertJobId,
  COMPLETED_RETENTION,
  DEAD_LETTER_RETENTION,
  PermanentJobError,
  QueueClosedError,
  type DeadLetter,
  type JobHandler,
  type JobMap,
  type JobQueue,
  type JobToAdd,
  type QueueName,
  type QueueSpec,
  type QueueSpecs,
} from './job-queue.js';

export interface BullmqOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Redis key prefix of every queue: deployments (and test files) sharing one Redis each take their own. */
  prefix: string;
  /** Whether this process runs handlers (`process()`), or only enqueues for a worker elsewhere. */
  processJobs: boolean;
  /** How long `close()` waits for running jobs before it lets go of them (they are retried elsewhere). */
  drainTimeoutMs?: number;
}

/** How long `close()` lets connections that are reconnecting come back before closing them. */
const RECONNECT_SETTLE_MS = 5_000;
const QUEUE_CLOSE_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `work` settles within `ms`; it keeps running either way. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return result;
}

/** ioredis options from a Redis URL, for BullMQ to open its own connections with. */
export function redisConnectionOptions(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db ? Number(db) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * The queue port on BullMQ: jobs live in Redis, survive restarts, and are shared by every process on
 * the same Redis and prefix, so the API can enqueue and `apps/worker` run them.
 */
export class BullmqJobQueue<M extends JobMap> implements JobQueue<M> {
  private readonly logger = new Logger('BullmqQueue');
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: ConnectionOptions;
  private closed = false;

  constructor(
    private readonly specs: QueueSpecs<M>,
    private readonly options: BullmqOptions,
  ) {
    this.connection = redisConnectionOptions(options.url);
    for (const name of Object.keys(specs)) {
      const queue = new Queue(name, {
        // Enqueueing fails fast while Redis is down instead of piling up in memory.
        connection: { ...this.connection, enableOfflineQueue: false },
        prefix: options.prefix,
      });
      queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue connection error'));
      this.queues.set(name, queue);
    }
  }

  /** Resolves once every queue's connection is up (enqueueing before that would fail fast). */
  async ready(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.waitUntilReady()));
  }

  enqueue<Q extends QueueName<M>>(queue: Q, job: JobToAdd<M[Q]>): Promise<void> {
    return this.enqueueMany(queue, [job]);
  }

  async enqueueMany<Q extends QueueName<M>>(queue: Q, jobs: JobToAdd<M[Q]>[]): Promise<void> {
    const target = this.queue(queue);
    if (this.closed) throw new QueueClosedError(queue);
    for (const { id } of jobs) assertJobId(id);
    if (jobs.length === 0) return;
    const spec = this.spec(queue);
    await target.addBulk(
      jobs.map(({ id, payload, delayMs }) => ({
        name: queue,
        data: payload,
        opts: {
          jobId: id,
          delay: delayMs && delayMs > 0 ? delayMs : undefined,
          attempts: spec.attempts,
          // BullMQ's exponential backoff: backoffMs × 2^(attempt − 1), as `retryDelayMs`.
          backoff: { type: 'exponential', delay: spec.backoffMs },
          removeOnComplete: { age: COMPLETED_RETENTION.ageMs / 1_000, count: COMPLETED_RETENTION.count },
          removeOnFail: { age: DEAD_LETTER_RETENTION.ageMs / 1_000, count: DEAD_LETTER_RETENTION.count },
        },
      })),
    );
  }

  process<Q extends QueueName<M>>(queue: Q, handler: JobHandler<M[Q]>): void {
    const spec = this.spec(queue);
    if (!this.options.processJobs || this.closed) return;
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const context = { queue, id: job.id!, attempt: job.attemptsMade + 1, maxAttempts: spec.attempts };
        try {
          await handler(job.data as M[Q], context);
        } catch (error) {
          this.logFailure(error, context);
          // BullMQ's way of saying "no retry will help".
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      {
        connection: this.connection,
        prefix: this.options.prefix,
        concurrency: spec.concurrency,
      },
    );
    worker.on('error', (error) => this.logger.warn({ err: error, queue }, 'worker connection error'));
    this.workers.push(worker);
  }

  async deadLetters<Q extends QueueName<M>>(queue: Q, limit = 100): Promise<DeadLetter<M[Q]>[]> {
    const failed = await this.queue(queue).getFailed(0, limit - 1);
    return failed.map((job) => ({
      queue,
      id: job.id!,
      payload: job.data as M[Q],
      attempts: job.attemptsMade,
      error: job.failedReason,
      failedAt: new Date(job.finishedOn ?? job.timestamp),
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.untilReconnected();
    // Worker.close() waits for the jobs it is running; waiting jobs stay in Redis for the next worker.
    const drainTimeoutMs = this.options.drainTimeoutMs ?? 20_000;
    if (!(await within(Promise.all(this.workers.map((worker) => worker.close())), drainTimeoutMs)))
      this.logger.warn(
        { drainTimeoutMs },
        'queue workers did not finish in time; their jobs will be retried',
      );
    if (!(await within(Promise.all([...this.queues.values()].map((queue) => queue.close())), QUEUE_CLOSE_MS)))
      this.logger.warn('queue connections did not close in time');
  }

  /**
   * A connection closed while it waits to reconnect never reports that it ended (ioredis), and BullMQ
   * waits for that report forever: after a Redis blip, let the workers' connections come back first.
   */
  private async untilReconnected(): Promise<void> {
    const deadline = Date.now() + RECONNECT_SETTLE_MS;
    while (Date.now() < deadline) {
      const statuses = await Promise.all(
        this.workers.map(async (worker) => (await worker.backend.blockingClient)?.status),
      );
      if (!statuses.some((status) => status === 'reconnecting' || status === 'connecting')) return;
      await sleep(50);
    }
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  private spec(name: string): QueueSpec {
    return (this.specs as Record<string, QueueSpec>)[name]!;
  }

  private logFailure(
    error: unknown,
    job: { queue: string; id: string; attempt: number; maxAttempts: number },
  ) {
    const final = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
    if (final) this.logger.error({ err: error, ...job }, 'job failed');
    else this.logger.warn({ err: error, ...job }, 'job failed; retrying');
  }
}
