import { PARLEY_QUEUES, QUEUE_SPECS, type ParleyJobs, type QueueSpecs } from '@parley/queue';

/** Parley's queues with retries in milliseconds instead of minutes: tests see a retry sequence end. */
export const FAST_QUEUE_SPECS: QueueSpecs<ParleyJobs> = {
  fanout: { ...PARLEY_QUEUES.fanout, attempts: 3, backoffMs: 50 },
  push: { ...PARLEY_QUEUES.push, attempts: 3, backoffMs: 50 },
  webhooks: { ...PARLEY_QUEUES.webhooks, attempts: 4, backoffMs: 100 },
  index: { ...PARLEY_QUEUES.index, attempts: 3, backoffMs: 50 },
};

/** For `startTestApp({ overrides })`. */
export const fastQueues = { provide: QUEUE_SPECS, useValue: FAST_QUEUE_SPECS };
