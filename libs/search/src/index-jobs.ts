import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * One `index` job: make the search index agree with Postgres for these messages of one tenant. The
 * job holds ids, not content: its handler reads the messages as they are when it runs, so running it
 * twice, late, or out of order with another job leaves the same index.
 */
export interface IndexJob {
  tenantId: string;
  messageIds: string[];
}

export type IndexJobHandler = (job: IndexJob) => Promise<void>;

/** Where index jobs go: the `index` queue. */
export interface IndexJobs {
  process(handler: IndexJobHandler): void;
  add(job: IndexJob): Promise<void>;
}

export const INDEX_JOBS = Symbol('parley.index-jobs');

const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000];

/**
 * Stand-in for the queue port that `libs/queue` is bringing (BullMQ or in-process, with retries and
 * dead letters): runs each job in this process, one at a time in order, retrying with backoff, and
 * logs a job that failed every attempt.
 */
@Injectable()
export class InProcessIndexJobs implements IndexJobs, BeforeApplicationShutdown {
  private readonly logger = new Logger('IndexJobs');
  private handler: IndexJobHandler | null = null;
  private tail: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  process(handler: IndexJobHandler): void {
    this.handler = handler;
  }

  add(job: IndexJob): Promise<void> {
    this.tail = this.tail.then(() => this.run(job, 0));
    return Promise.resolve();
  }

  /** Runs what was added (the indexer hands over its last batch before this), then stops retrying. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.tail;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private async run(job: IndexJob, attempt: number): Promise<void> {
    if (!this.handler || this.stopped) return;
    try {
      await this.handler(job);
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        this.logger.error(
          { err: error, job: { ...job, messageIds: job.messageIds.length } },
          'index job failed',
        );
        return;
      }
      this.logger.warn({ err: error, attempt: attempt + 1, retryInMs: delay }, 'index job failed; retrying');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.tail = this.tail.then(() => this.run(job, attempt + 1));
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }
}
