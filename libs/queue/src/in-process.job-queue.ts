import { Logger } from '@nestjs/common';
import {
  assertJobId,
  COMPLETED_RETENTION,
  DEAD_LETTER_RETENTION,
  PermanentJobError,
  QueueClosedError,
  retryDelayMs,
  type DeadLetter,
  type JobHandler,
  type JobMap,
  type JobQueue,
  type JobToAdd,
  type QueueName,
  type QueueSpec,
  type QueueSpecs,
} from './job-queue.js';

interface Job {
  id: string;
  payload: unknown;
  attempt: number;
}

export interface InProcessOptions {
  /** Whether this process runs the handlers (it always should, in the embedded default). */
  processJobs?: boolean;
  /** How long `close()` waits for waiting and running jobs; what is left is logged and dropped. */
  drainTimeoutMs?: number;
  now?: () => number;
}

/** One queue's state in memory. */
class Lane {
  readonly waiting: Job[] = [];
  /** Ids of jobs waiting, delayed or running. */
  readonly live = new Set<string>();
  /** Completed ids (oldest first) with when they completed: repeats of these are ignored. */
  readonly completed = new Map<string, number>();
  readonly dead: DeadLetter<unknown>[] = [];
  readonly timers = new Map<NodeJS.Timeout, Job>();
  handler: JobHandler<unknown> | null = null;
  active = 0;

  constructor(
    readonly name: string,
    readonly spec: QueueSpec,
  ) {}

  known(id: string, now: number): boolean {
    if (this.live.has(id) || this.dead.some((d) => d.id === id)) return true;
    const completedAt = this.completed.get(id);
    return completedAt !== undefined && now - completedAt < COMPLETED_RETENTION.ageMs;
  }
}

/**
 * The embedded default's queue: jobs live in this process's memory, with the same retries, backoff,
 * dead letters and id de-duplication as BullMQ. What it cannot give is durability: jobs still waiting
 * for a retry when the process stops are lost (and logged), which a single-machine install accepts.
 */
export class InProcessJobQueue<M extends JobMap> implements JobQueue<M> {
  private readonly logger = new Logger('InProcessQueue');
  private readonly lanes = new Map<string, Lane>();
  private readonly processJobs: boolean;
  private readonly drainTimeoutMs: number;
  private readonly now: () => number;
  private closed = false;
  private idle: (() => void) | null = null;

  constructor(specs: QueueSpecs<M>, options: InProcessOptions = {}) {
    for (const [name, spec] of Object.entries(specs) as [string, QueueSpec][])
      this.lanes.set(name, new Lane(name, spec));
    this.processJobs = options.processJobs ?? true;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  enqueue<Q extends QueueName<M>>(queue: Q, job: JobToAdd<M[Q]>): Promise<void> {
    return this.enqueueMany(queue, [job]);
  }

  enqueueMany<Q extends QueueName<M>>(queue: Q, jobs: JobToAdd<M[Q]>[]): Promise<void> {
    try {
      const lane = this.lane(queue);
      if (this.closed) throw new QueueClosedError(queue);
      for (const { id } of jobs) assertJobId(id);
      for (const { id, payload, delayMs } of jobs) {
        if (lane.known(id, this.now())) continue;
        lane.live.add(id);
        // A copy, as Redis would hold: the caller may change its object after enqueueing.
        const job = { id, payload: structuredClone(payload), attempt: 1 };
        if (delayMs && delayMs > 0) this.later(lane, job, delayMs);
        else lane.waiting.push(job);
      }
      this.pump(lane);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  process<Q extends QueueName<M>>(queue: Q, handler: JobHandler<M[Q]>): void {
    const lane = this.lane(queue);
    if (lane.handler) throw new Error(`The ${queue} queue already has a handler`);
    if (!this.processJobs) return;
    lane.handler = handler as JobHandler<unknown>;
    this.pump(lane);
  }

  deadLetters<Q extends QueueName<M>>(queue: Q, limit = 100): Promise<DeadLetter<M[Q]>[]> {
    const dead = this.lane(queue).dead;
    return Promise.resolve(dead.slice(-limit).reverse() as DeadLetter<M[Q]>[]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const drained = new Promise<void>((resolve) => {
      this.idle = resolve;
    });
    this.checkIdle();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.drainTimeoutMs);
    });
    await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    for (const lane of this.lanes.values()) {
      const dropped = lane.waiting.length + lane.timers.size;
      for (const timer of lane.timers.keys()) clearTimeout(timer);
      lane.timers.clear();
      lane.waiting.length = 0;
      if (dropped > 0 || lane.active > 0)
        this.logger.warn(
          { queue: lane.name, dropped, stillRunning: lane.active },
          'queue closed with jobs left (the in-process queue does not keep them)',
        );
    }
  }

  private lane(queue: string): Lane {
    const lane = this.lanes.get(queue);
    if (!lane) throw new Error(`Unknown queue ${queue}`);
    return lane;
  }

  private later(lane: Lane, job: Job, delayMs: number): void {
    const timer = setTimeout(() => {
      lane.timers.delete(timer);
      lane.waiting.push(job);
      this.pump(lane);
    }, delayMs);
    // Delayed jobs never keep the process alive; close() decides what happens to them.
    timer.unref();
    lane.timers.set(timer, job);
  }

  private pump(lane: Lane): void {
    const handler = lane.handler;
    if (!handler) return;
    while (lane.active < lane.spec.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!;
      lane.active += 1;
      void this.run(lane, handler, job).finally(() => {
        lane.active -= 1;
        this.pump(lane);
        this.checkIdle();
      });
    }
  }

  private async run(lane: Lane, handler: JobHandler<unknown>, job: Job): Promise<void> {
    const context = { queue: lane.name, id: job.id, attempt: job.attempt, maxAttempts: lane.spec.attempts };
    try {
      await handler(job.payload, context);
      lane.live.delete(job.id);
      this.remember(lane, job.id);
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      if (!permanent && job.attempt < lane.spec.attempts) {
        const delay = retryDelayMs(lane.spec, job.attempt);
        this.logger.warn(
          { err: error, queue: lane.name, jobId: job.id, attempt: job.attempt, retryInMs: delay },
          'job failed; retrying',
        );
        this.later(lane, { ...job, attempt: job.attempt + 1 }, delay);
        return;
      }
      lane.live.delete(job.id);
      lane.dead.push({
        queue: lane.name,
        id: job.id,
        payload: job.payload,
        attempts: job.attempt,
        error: error instanceof Error ? error.message : String(error),
        failedAt: new Date(this.now()),
      });
      const oldest = this.now() - DEAD_LETTER_RETENTION.ageMs;
      while (
        lane.dead.length > DEAD_LETTER_RETENTION.count ||
        (lane.dead[0]?.failedAt.getTime() ?? oldest) < oldest
      )
        lane.dead.shift();
      this.logger.error({ err: error, queue: lane.name, jobId: job.id, attempts: job.attempt }, 'job failed');
    }
  }

  private remember(lane: Lane, id: string): void {
    const now = this.now();
    lane.completed.delete(id);
    lane.completed.set(id, now);
    // Oldest first: drop from the front while over the count or past the age.
    for (const [oldId, at] of lane.completed) {
      if (lane.completed.size <= COMPLETED_RETENTION.count && now - at < COMPLETED_RETENTION.ageMs) break;
      lane.completed.delete(oldId);
    }
  }

  private checkIdle(): void {
    if (!this.closed || !this.idle) return;
    for (const lane of this.lanes.values()) {
      if (lane.active > 0 || (lane.handler && lane.waiting.length > 0)) return;
    }
    this.idle();
    this.idle = null;
  }
}
