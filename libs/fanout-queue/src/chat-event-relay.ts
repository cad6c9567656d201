import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { uuid7 } from '@parley/db';
import { ChatEvents, type ChatEvent } from '@parley/fanout';
import type { WebhookEvent, WebhookEventType } from '@parley/protocol';
import { PushService } from '@parley/push';
import { InjectJobQueue, jobId, type ParleyJobQueue } from '@parley/queue';
import { WebhooksService } from '@parley/webhooks';

/** Socket events that are also webhook events, and the webhook name of each. */
const WEBHOOK_TYPES: Partial<Record<ChatEvent['event'], WebhookEventType>> = {
  'message:new': 'message.new',
  'message:updated': 'message.updated',
  'message:deleted': 'message.deleted',
  'member:added': 'member.added',
  'member:removed': 'member.removed',
};

/**
 * Hands each committed chat event that has slow work to the `fanout` queue: webhooks, and push for a
 * new message. The event (id, time, data) is fixed here, once, so every delivery of it is the same.
 * It runs in the process where the change happened (an API node); the job runs wherever jobs run.
 */
@Injectable()
export class ChatEventRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChatEventRelay');
  private stopObserving: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly events: ChatEvents,
    private readonly webhooks: WebhooksService,
    private readonly push: PushService,
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
  ) {}

  onModuleInit(): void {
    this.stopObserving = this.events.observe((event) => this.relay(event));
  }

  /** Stops observing and waits for events already being handed over, before the queue drains. */
  async onModuleDestroy(): Promise<void> {
    this.stopObserving?.();
    await Promise.all(this.inFlight);
  }

  private relay(event: ChatEvent): void {
    const type = WEBHOOK_TYPES[event.event];
    if (!type || this.knownUnwanted(event, type)) return;
    const handOver = this.handOver(event, type)
      .catch((error: unknown) =>
        this.logger.error(
          { err: error, tenantId: event.tenantId, chatId: event.chatId, type },
          'could not enqueue the fan-out of a chat event',
        ),
      )
      .finally(() => this.inFlight.delete(handOver));
    this.inFlight.add(handOver);
  }

  /**
   * Nothing to hand over, as the caches already know: most events of most tenants. Answered without
   * a promise, since at thousands of messages a second those were a twentieth of the API's allocations.
   */
  private knownUnwanted(event: ChatEvent, type: WebhookEventType): boolean {
    const pushUnwanted = !needsPush(event, type) || this.push.knownTenantHasDevices(event.tenantId) === false;
    return pushUnwanted && this.webhooks.knownWants(event.tenantId, type) === false;
  }

  private async handOver(event: ChatEvent, type: WebhookEventType): Promise<void> {
    const { tenantId, chatId } = event;
    const wanted =
      (needsPush(event, type) && (await this.push.tenantHasDevices(tenantId))) ||
      (await this.webhooks.wants(tenantId, type));
    if (!wanted) return;
    const webhookEvent: WebhookEvent = {
      id: uuid7(),
      type,
      createdAt: new Date().toISOString(),
      tenantId,
      data: { chatId, ...event.payload },
    };
    await this.queue.enqueue('fanout', {
      id: jobId('event', webhookEvent.id),
      payload: { kind: 'event', tenantId, chatId, event: webhookEvent },
    });
  }
}

/** A new message from a user is pushed to members' devices; system messages and other events are not. */
function needsPush(event: ChatEvent, type: WebhookEventType): boolean {
  return type === 'message.new' && event.event === 'message:new' && event.payload.message.senderId !== null;
}
