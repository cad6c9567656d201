/**
 * The queue port. Capabilities enqueue and process jobs through this interface only; an adapter
 * (BullMQ on Redis, or in this process for the embedded default) does the rest. Both adapters pass
 * one contract suite (`test/integration/job-queue.contract.test.ts`).
 */

/** Queue name → the payload type of its jobs. Parley's own map is `ParleyJobs` (jobs.ts). */
export type JobMap = object;
export type QueueName<M extends JobMap> = keyof M & string;

/** How one queue runs its jobs. */
export interface QueueSpec {
  /** Tries in all, the first one included; after the last a job becomes a dead letter. */
  attempts: number;
  /** Wait before the second try; each later try waits twice as long as the one before. */
  backoffMs: number;
  /** Jobs of this queue that one process runs at once. */
  concurrency: number;
}
export type QueueSpecs<M extends JobMap> = { [Q in QueueName<M>]: QueueSpec };

export interface JobToAdd<P> {
  /** Deterministic id (see `jobId`): adding an id that is still known is a no-op. */
  id: string;
  payload: P;
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobContext {
  queue: string;
  id: string;
  /** 1 on the first try. */
  attempt: number;
  /** The queue's `attempts`: when `attempt === maxAttempts`, a throw makes this job a dead letter. */
  maxAttempts: number;
}

/** Must be idempotent: a job may run again after a crash, and always runs again after a throw. */
export type JobHandler<P> = (payload: P, job: JobContext) => Promise<void>;

/** A job that failed every try (or failed permanently), kept so that operators can see it. */
export interface DeadLetter<P> {
  queue: string;
  id: string;
  payload: P;
  /** Tries made. */
  attempts: number;
  error: string;
  failedAt: Date;
}

export interface JobQueue<M extends JobMap> {
  /**
   * Adds a job, unless a job with this id is waiting, delayed, running, failed (a dead letter), or
   * completed within the retention window (`COMPLETED_RETENTION`): then nothing happens. That makes
   * "enqueue again" safe wherever the same work may be asked for twice.
   */
  enqueue<Q extends QueueName<M>>(queue: Q, job: JobToAdd<M[Q]>): Promise<void>;
  /** The same for many jobs, in one round trip where the adapter can. */
  enqueueMany<Q extends QueueName<M>>(queue: Q, jobs: JobToAdd<M[Q]>[]): Promise<void>;
  /**
   * Registers the queue's handler (one per queue). It runs jobs only in a process that processes
   * jobs: the worker, or the API with `PARLEY_WORKERS=inline`; elsewhere registering is a no-op.
   */
  process<Q extends QueueName<M>>(queue: Q, handler: JobHandler<M[Q]>): void;
  /** Dead letters of a queue, newest first. */
  deadLetters<Q extends QueueName<M>>(queue: Q, limit?: number): Promise<DeadLetter<M[Q]>[]>;
  /**
   * Graceful drain: stops taking jobs, lets running jobs finish, then closes. Waiting jobs stay in
   * Redis (BullMQ) or are run first (in process, where nothing else would keep them). Enqueueing
   * after this rejects with `QueueClosedError`.
   */
  close(): Promise<void>;
}

/** Thrown by a handler for a failure that no retry can fix: the job becomes a dead letter at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor(queue: string) {
    super(`The ${queue} queue is closed`);
  }
}

export class InvalidJobIdError extends Error {
  override readonly name = 'InvalidJobIdError';
  constructor(id: string) {
    super(`Invalid job id ${JSON.stringify(id)}: use jobId(...parts)`);
  }
}

/** How long and how many completed job ids are remembered per queue, to ignore repeats. */
export const COMPLETED_RETENTION = { ageMs: 60 * 60 * 1_000, count: 10_000 } as const;
/** How long and how many dead letters are kept per queue. */
export const DEAD_LETTER_RETENTION = { ageMs: 7 * 24 * 60 * 60 * 1_000, count: 10_000 } as const;

const JOB_ID = /^(?!\d+$)[A-Za-z0-9_.-]{1,256}$/;

/**
 * A deterministic job id from its parts, e.g. `jobId('push', messageId, deviceId)`. Parts may hold
 * letters, digits, `_`, `-` and `.` (UUIDs do); they are joined with `.`. BullMQ forbids `:` in ids
 * and integer ids, so both adapters accept only this shape.
 */
export function jobId(...parts: (string | number)[]): string {
  const id = parts.join('.');
  assertJobId(id);
  return id;
}

export function assertJobId(id: string): void {
  if (!JOB_ID.test(id)) throw new InvalidJobIdError(id);
}

/** The wait before try `attempt + 1` after try `attempt` failed: backoff, 2×backoff, 4×backoff, … */
export function retryDelayMs(spec: QueueSpec, attempt: number): number {
  return Math.round(spec.backoffMs * 2 ** (attempt - 1));
}
