import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  secretSealed: string;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  disabledAt: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** A delivery with what sending it needs. */
export interface DeliveryToSend extends DeliveryRow {
  body: string;
  url: string;
  secretSealed: string;
  webhookStatus: 'active' | 'disabled';
}

const WEBHOOK_COLUMNS = `id, url, events, secret_sealed AS "secretSealed", status, disabled_reason AS "disabledReason",
  disabled_at AS "disabledAt", last_success_at AS "lastSuccessAt", created_at AS "createdAt"`;
const DELIVERY_COLUMNS = `d.id, d.webhook_id AS "webhookId", d.event_id AS "eventId", d.event_type AS "eventType",
  d.status, d.attempts, d.last_status_code AS "lastStatusCode", d.last_error AS "lastError",
  d.created_at AS "createdAt", d.last_attempt_at AS "lastAttemptAt", d.delivered_at AS "deliveredAt"`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  async create(
    tenantId: TenantId,
    webhook: { id: string; url: string; events: string[]; secretSealed: string },
    maxPerTenant: number,
  ): Promise<WebhookRow | null> {
    // Counted in the insert itself. Two creates racing may both pass: the limit guards against runaway
    // scripts, it is not an exact quota.
    const [row] = await this.db.query<WebhookRow>(
      `INSERT INTO webhooks (tenant_id, id, url, events, secret_sealed)
       SELECT $1, $2, $3, $4, $5
       WHERE (SELECT count(*) FROM webhooks WHERE tenant_id = $1) < $6
       RETURNING ${WEBHOOK_COLUMNS}`,
      [tenantId, webhook.id, webhook.url, webhook.events, webhook.secretSealed, maxPerTenant],
    );
    return row ?? null;
  }

  list(tenantId: TenantId): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    );
  }

  async get(tenantId: TenantId, id: string): Promise<WebhookRow | null> {
    const [row] = await this.db.query<WebhookRow>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async update(
    tenantId: TenantId,
    id: string,
    change: { events?: string[]; status?: 'active' | 'disabled'; disabledReason?: string | null },
  ): Promise<WebhookRow | null> {
    const [row] = await this.db.query<WebhookRow>(
      `UPDATE webhooks SET
         events = COALESCE($3, events),
         status = COALESCE($4, status),
         disabled_reason = CASE WHEN $4 IS NULL OR $4 = status THEN disabled_reason ELSE $5 END,
         disabled_at = CASE WHEN $4 IS NULL OR $4 = status THEN disabled_at
                            WHEN $4 = 'disabled' THEN now() ELSE NULL END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2
       RETURNING ${WEBHOOK_COLUMNS}`,
      [tenantId, id, change.events ?? null, change.status ?? null, change.disabledReason ?? null],
    );
    return row ?? null;
  }

  async delete(tenantId: TenantId, id: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2 RETURNING id`, [
      tenantId,
      id,
    ]);
    return rows.length > 0;
  }

  /** The event types the tenant's active webhooks subscribe to. */
  async subscribedTypes(tenantId: TenantId): Promise<Set<string>> {
    const rows = await this.db.query<{ type: string }>(
      `SELECT DISTINCT unnest(events) AS type FROM webhooks WHERE tenant_id = $1 AND status = 'active'`,
      [tenantId],
    );
    return new Set(rows.map((r) => r.type));
  }

  /**
   * Records the event for every active webhook subscribed to its type (once per webhook, however often
   * this runs) and answers the deliveries still pending for it: a rerun after a crash finds them again.
   */
  async recordEvent(
    tenantId: TenantId,
    event: { id: string; type: string; body: string },
    newId: () => string,
  ): Promise<string[]> {
    const webhooks = await this.db.query<{ id: string }>(
      `SELECT id FROM webhooks WHERE tenant_id = $1 AND status = 'active' AND $2 = ANY(events)`,
      [tenantId, event.type],
    );
    if (webhooks.length === 0) return [];
    await this.db.query(
      `INSERT INTO webhook_deliveries (tenant_id, id, webhook_id, event_id, event_type, body)
       SELECT $1, unnest($2::uuid[]), unnest($3::uuid[]), $4, $5, $6
       ON CONFLICT (tenant_id, webhook_id, event_id) DO NOTHING`,
      [tenantId, webhooks.map(() => newId()), webhooks.map((w) => w.id), event.id, event.type, event.body],
    );
    const pending = await this.db.query<{ id: string }>(
      `SELECT id FROM webhook_deliveries
       WHERE tenant_id = $1 AND webhook_id = ANY($2::uuid[]) AND event_id = $3 AND status = 'pending'`,
      [tenantId, webhooks.map((w) => w.id), event.id],
    );
    return pending.map((r) => r.id);
  }

  async deliveryToSend(tenantId: TenantId, deliveryId: string): Promise<DeliveryToSend | null> {
    const [row] = await this.db.query<DeliveryToSend>(
      `SELECT ${DELIVERY_COLUMNS}, d.body, w.url, w.secret_sealed AS "secretSealed", w.status AS "webhookStatus"
       FROM webhook_deliveries d
       JOIN webhooks w ON w.tenant_id = d.tenant_id AND w.id = d.webhook_id
       WHERE d.tenant_id = $1 AND d.id = $2`,
      [tenantId, deliveryId],
    );
    return row ?? null;
  }

  /** One try's outcome. `status` is where the delivery now stands. */
  async recordAttempt(
    tenantId: TenantId,
    deliveryId: string,
    outcome: { status: DeliveryRow['status']; statusCode: number | null; error: string | null },
  ): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET
         status = $3, attempts = attempts + 1, last_status_code = $4, last_error = $5, last_attempt_at = now(),
         delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, deliveryId, outcome.status, outcome.statusCode, outcome.error],
    );
  }

  /** A delivery that will not be tried (its endpoint was disabled meanwhile). */
  async abandon(tenantId: TenantId, deliveryId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $3
       WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
      [tenantId, deliveryId, error],
    );
  }

  async markSucceeded(tenantId: TenantId, webhookId: string): Promise<void> {
    await this.db.query(`UPDATE webhooks SET last_success_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      webhookId,
    ]);
  }

  /**
   * Disables the endpoint if nothing was delivered to it since `failingSince`: every try in that
   * window failed. Answers whether it did.
   */
  async disableIfFailingSince(
    tenantId: TenantId,
    webhookId: string,
    failingSince: Date,
    reason: string,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE webhooks SET status = 'disabled', disabled_reason = $4, disabled_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND status = 'active'
         AND (last_success_at IS NULL OR last_success_at < $3)
       RETURNING id`,
      [tenantId, webhookId, failingSince, reason],
    );
    return rows.length > 0;
  }

  /** The delivery log, newest first; `beforeId` continues a page. */
  deliveries(
    tenantId: TenantId,
    webhookId: string,
    beforeId: string | null,
    limit: number,
  ): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
       WHERE d.tenant_id = $1 AND d.webhook_id = $2 AND ($3::uuid IS NULL OR d.id < $3)
       ORDER BY d.id DESC LIMIT $4`,
      [tenantId, webhookId, beforeId, limit],
    );
  }
}
