import type { PushPayload, WebhookEvent } from '@parley/protocol';
import type { QueueSpecs } from './job-queue.js';

/**
 * Every queue Parley runs and the payload of its jobs, declared once. Payloads are JSON (they travel
 * through Redis) and carry ids more than content: handlers read the current state when they run.
 */
export interface ParleyJobs {
  /** A committed chat event whose slow work is still to do (webhooks; push for new messages). */
  fanout: FanoutJob;
  /** One notification to one device. */
  push: PushJob;
  /** One webhook delivery: a stored event body to POST to one endpoint. */
  webhooks: WebhookJob;
  /** Make the search index agree with Postgres for these messages (Elasticsearch only). */
  index: IndexJob;
}

export type FanoutJob =
  | {
      kind: 'event';
      tenantId: string;
      chatId: string;
      /** Built once, when the change committed: every delivery of it carries the same id and body. */
      event: WebhookEvent;
    }
  | {
      /** Push for one new message to the members after `afterUserId` (keyset), one chunk per job. */
      kind: 'push-chunk';
      tenantId: string;
      chatId: string;
      messageId: string;
      senderId: string;
      afterUserId: string;
      notification: PushPayload;
    };

export interface PushJob {
  tenantId: string;
  deviceId: string;
  /** Built once per message (the tenant's `push.notificationText` applied), sent as is to each device. */
  notification: PushPayload;
}

export interface WebhookJob {
  tenantId: string;
  deliveryId: string;
}

export interface IndexJob {
  tenantId: string;
  messageIds: string[];
}

export const PARLEY_QUEUES: QueueSpecs<ParleyJobs> = {
  // Reads members in chunks and enqueues; a failure is Postgres or Redis being away for a moment.
  fanout: { attempts: 8, backoffMs: 1_000, concurrency: 4 },
  // Push services ask for a few retries at most; a notification hours late is worse than none.
  push: { attempts: 5, backoffMs: 2_000, concurrency: 50 },
  // About 8.5 hours of retries (1 min, 2 min, 4 min, …) before a delivery counts as failed.
  webhooks: { attempts: 10, backoffMs: 60_000, concurrency: 20 },
  index: { attempts: 5, backoffMs: 1_000, concurrency: 1 },
};
