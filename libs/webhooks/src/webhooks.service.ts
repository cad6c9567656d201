import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { uuid7, type TenantId } from '@parley/db';
import { Egress, EgressNetworkError, EgressRefusedError } from '@parley/egress';
import type {
  CreateWebhookBody,
  List,
  UpdateWebhookBody,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookEvent,
  WebhookEventType,
} from '@parley/protocol';
import {
  InjectJobQueue,
  jobId,
  PermanentJobError,
  type JobContext,
  type ParleyJobQueue,
  type WebhookJob,
} from '@parley/queue';
import { pageLimit, SecretBox, TtlCache, type Actor } from '@parley/tenancy';
import { signWebhook } from './webhook-signature.js';
import {
  InvalidDeliveryCursorError,
  TooManyWebhooksError,
  WebhookNotFoundError,
  WebhookUrlRefusedError,
} from './webhooks.errors.js';
import {
  WebhooksRepository,
  type DeliveryRow,
  type DeliveryToSend,
  type WebhookRow,
} from './webhooks.repository.js';

const MAX_WEBHOOKS_PER_TENANT = 20;
const DEFAULT_DELIVERY_PAGE = 50;
/** Which event types a tenant's webhooks want, remembered this long (on this node; changes here forget it). */
const SUBSCRIPTIONS_TTL_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events as WebhookEventType[],
  status: row.status,
  disabledReason: row.disabledReason,
  disabledAt: iso(row.disabledAt),
  lastSuccessAt: iso(row.lastSuccessAt),
  createdAt: row.createdAt.toISOString(),
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  eventId: row.eventId,
  type: row.eventType as WebhookEventType,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  lastAttemptAt: iso(row.lastAttemptAt),
  deliveredAt: iso(row.deliveredAt),
});

/**
 * Tenant webhooks: endpoints, the events recorded for them, and their delivery. Each event is stored
 * once per endpoint with its exact body, so every try sends the same id and the same bytes.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');
  private readonly subscriptions = new TtlCache<Set<string>>(SUBSCRIPTIONS_TTL_MS);

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly egress: Egress,
    private readonly secretBox: SecretBox,
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
  ) {}

  async create(actor: Actor, body: CreateWebhookBody): Promise<WebhookCreated> {
    await this.checkUrl(body.url);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await this.webhooks.create(
      actor.tenantId,
      { id: uuid7(), url: body.url, events: body.events, secretSealed: this.secretBox.seal(secret) },
      MAX_WEBHOOKS_PER_TENANT,
    );
    if (!row) throw new TooManyWebhooksError(MAX_WEBHOOKS_PER_TENANT);
    this.subscriptions.deleteWhere(() => true);
    return { ...toWebhook(row), secret };
  }

  async list(actor: Actor): Promise<List<Webhook>> {
    return { data: (await this.webhooks.list(actor.tenantId)).map(toWebhook), nextCursor: null };
  }

  async get(actor: Actor, id: string): Promise<Webhook> {
    const row = await this.webhooks.get(actor.tenantId, id);
    if (!row) throw new WebhookNotFoundError(id);
    return toWebhook(row);
  }

  async update(actor: Actor, id: string, change: UpdateWebhookBody): Promise<Webhook> {
    const row = await this.webhooks.update(actor.tenantId, id, {
      ...change,
      disabledReason: change.status === 'disabled' ? 'disabled by the tenant' : null,
    });
    if (!row) throw new WebhookNotFoundError(id);
    this.subscriptions.deleteWhere(() => true);
    return toWebhook(row);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    if (!(await this.webhooks.delete(actor.tenantId, id))) throw new WebhookNotFoundError(id);
    this.subscriptions.deleteWhere(() => true);
  }

  async deliveries(
    actor: Actor,
    id: string,
    cursor: string | undefined,
    limit: number | undefined,
  ): Promise<List<WebhookDelivery>> {
    const size = pageLimit(actor.settings, limit, DEFAULT_DELIVERY_PAGE);
    if (cursor !== undefined && !UUID.test(cursor)) throw new InvalidDeliveryCursorError();
    if (!(await this.webhooks.get(actor.tenantId, id))) throw new WebhookNotFoundError(id);
    const rows = await this.webhooks.deliveries(actor.tenantId, id, cursor ?? null, size + 1);
    const page = rows.slice(0, size);
    return { data: page.map(toDelivery), nextCursor: rows.length > size ? page.at(-1)!.id : null };
  }

  /** Whether any active webhook of the tenant wants this event type (cached for a few seconds). */
  async wants(tenantId: TenantId, type: WebhookEventType): Promise<boolean> {
    const types = await this.subscriptions.remember(tenantId, () => this.webhooks.subscribedTypes(tenantId));
    return types.has(type);
  }

  /** `wants` as far as the cache knows, without waiting: undefined when it does not. */
  knownWants(tenantId: TenantId, type: WebhookEventType): boolean | undefined {
    return this.subscriptions.get(tenantId)?.has(type);
  }

  /**
   * Records the event for each subscribed endpoint and enqueues its deliveries. Safe to repeat: an
   * event is recorded once per endpoint, and a delivery's job id is its own id.
   */
  async publish(tenantId: TenantId, event: WebhookEvent): Promise<number> {
    const body = JSON.stringify(event);
    const deliveryIds = await this.webhooks.recordEvent(
      tenantId,
      { id: event.id, type: event.type, body },
      uuid7,
    );
    await this.queue.enqueueMany(
      'webhooks',
      deliveryIds.map((deliveryId) => ({
        id: jobId('webhook', deliveryId),
        payload: { tenantId, deliveryId },
      })),
    );
    return deliveryIds.length;
  }

  /**
   * The `webhooks` job: one try of one delivery. A 2xx answer delivers it; anything else is retried
   * with backoff until the queue's last try, after which the delivery fails and, if nothing reached the
   * endpoint since the event was recorded, the endpoint is disabled.
   */
  async deliver(job: WebhookJob, context: JobContext): Promise<void> {
    const tenantId = job.tenantId as TenantId;
    const delivery = await this.webhooks.deliveryToSend(tenantId, job.deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    if (delivery.webhookStatus !== 'active') {
      await this.webhooks.abandon(tenantId, delivery.id, 'not sent: the endpoint is disabled');
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Parley-Webhooks/1',
      'Parley-Event-Id': delivery.eventId,
      'Parley-Signature': signWebhook(this.secretBox.open(delivery.secretSealed), timestamp, delivery.body),
    };
    let statusCode: number | null = null;
    let error: string;
    try {
      const response = await this.egress.post(delivery.url, headers, delivery.body);
      statusCode = response.status;
      if (statusCode >= 200 && statusCode < 300) {
        await this.webhooks.recordAttempt(tenantId, delivery.id, {
          status: 'delivered',
          statusCode,
          error: null,
        });
        await this.webhooks.markSucceeded(tenantId, delivery.webhookId);
        return;
      }
      error = `HTTP ${statusCode}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
    } catch (failure) {
      if (!(failure instanceof EgressRefusedError) && !(failure instanceof EgressNetworkError)) throw failure;
      error = failure.message;
      if (failure instanceof EgressRefusedError) {
        await this.fail(tenantId, delivery, { statusCode, error });
        throw new PermanentJobError(error);
      }
    }
    if (context.attempt < context.maxAttempts) {
      await this.webhooks.recordAttempt(tenantId, delivery.id, { status: 'pending', statusCode, error });
      throw new Error(error);
    }
    await this.fail(tenantId, delivery, { statusCode, error });
    throw new Error(error);
  }

  private async fail(
    tenantId: TenantId,
    delivery: DeliveryToSend,
    outcome: { statusCode: number | null; error: string },
  ): Promise<void> {
    await this.webhooks.recordAttempt(tenantId, delivery.id, { status: 'failed', ...outcome });
    const reason = `every delivery since ${delivery.createdAt.toISOString()} failed; the last answered: ${outcome.error}`;
    if (await this.webhooks.disableIfFailingSince(tenantId, delivery.webhookId, delivery.createdAt, reason)) {
      this.subscriptions.deleteWhere(() => true);
      this.logger.warn({ tenantId, webhookId: delivery.webhookId, reason }, 'webhook disabled');
    }
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.egress.check(url);
    } catch (error) {
      if (error instanceof EgressRefusedError || error instanceof EgressNetworkError)
        throw new WebhookUrlRefusedError(error.message);
      throw error;
    }
  }
}
