import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import type { Message, PushPayload } from '@parley/protocol';
import { PushService } from '@parley/push';
import { InjectJobQueue, jobId, type FanoutJob, type ParleyJobQueue } from '@parley/queue';
import { WebhooksService } from '@parley/webhooks';

interface Chunk {
  tenantId: TenantId;
  chatId: string;
  messageId: string;
  senderId: string;
  afterUserId: string | null;
  notification: PushPayload;
}

/**
 * The `fanout` job. An event job records the event for the tenant's webhooks and, for a new message,
 * notifies the first chunk of members; each chunk enqueues the next before notifying its own, so a
 * 100,000-member group is walked in 1,000-member steps that several workers can share. Every step is
 * safe to repeat: deliveries are recorded once per endpoint, and job ids are deterministic.
 */
@Injectable()
export class FanoutProcessor implements OnModuleInit {
  constructor(
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
    private readonly webhooks: WebhooksService,
    private readonly push: PushService,
  ) {}

  onModuleInit(): void {
    this.queue.process('fanout', (job) => this.handle(job));
  }

  async handle(job: FanoutJob): Promise<void> {
    const tenantId = job.tenantId as TenantId;
    if (job.kind === 'push-chunk') return this.chunk({ ...job, tenantId });
    await this.webhooks.publish(tenantId, job.event);
    if (job.event.type !== 'message.new') return;
    const message = (job.event.data as { message: Message }).message;
    if (!message.senderId || !(await this.push.tenantHasDevices(tenantId))) return;
    await this.chunk({
      tenantId,
      chatId: job.chatId,
      messageId: message.id,
      senderId: message.senderId,
      afterUserId: null,
      notification: await this.push.notificationFor(tenantId, message),
    });
  }

  private async chunk(chunk: Chunk): Promise<void> {
    const { tenantId, chatId, afterUserId } = chunk;
    const page = await this.push.membersToNotify(tenantId, chatId, afterUserId);
    if (page.next !== null) {
      await this.queue.enqueue('fanout', {
        // User ids may hold characters job ids may not: the cursor goes in as a digest.
        id: jobId(
          'push-chunk',
          chunk.messageId,
          createHash('sha256').update(page.next).digest('hex').slice(0, 24),
        ),
        payload: { kind: 'push-chunk', ...chunk, afterUserId: page.next },
      });
    }
    await this.push.notifyMembers(tenantId, chunk.senderId, page.userIds, chunk.notification);
  }
}
