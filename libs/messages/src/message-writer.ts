import { Injectable } from '@nestjs/common';
import { Batcher, Database, isUniqueViolation, type Queryable, type TenantId } from '@parley/db';
import type { StoredAttachment } from '@parley/attachments';
import { MESSAGE_COLUMNS, type MessageRow } from './message-row.js';

export interface MessageDraft {
  id: string;
  clientId: string;
  kind: 'text' | 'file';
  text: string | null;
  attachments: StoredAttachment[];
  replyTo: string | null;
}

export type SendOutcome =
  | { kind: 'created'; row: MessageRow }
  | { kind: 'replayed'; row: MessageRow }
  /** The clientId was used by this sender in another chat. */
  | { kind: 'client_id_taken' };

interface SendRequest {
  tenantId: TenantId;
  chatId: string;
  senderId: string;
  draft: MessageDraft;
}

/** Sends that arrive while earlier batches are being written are written together; see Batcher. */
const MAX_BATCH = 500;
/**
 * One batch at a time: while it is written the next one gathers, and a node announces a chat's
 * messages in the order they were numbered.
 */
const MAX_CONCURRENT_BATCHES = 1;

const idempotencyKey = (r: { tenantId: string; senderId: string | null; clientId: string | null }): string =>
  `${r.tenantId}|${r.senderId}|${r.clientId}`;

/**
 * Stores new messages. One send alone is one statement; concurrent sends share one statement that
 * takes each chat's counter once for all of its new messages, so that throughput is not capped at one
 * database round trip per message. Each request carries its own tenant id, and every row it touches
 * is matched on that tenant id.
 */
@Injectable()
export class MessageWriter {
  private readonly batcher = new Batcher<SendRequest, SendOutcome | Error>(
    (requests) => this.write(requests),
    {
      maxBatch: MAX_BATCH,
      maxConcurrent: MAX_CONCURRENT_BATCHES,
    },
  );

  constructor(private readonly db: Database) {}

  /** Stores a new message, or answers the one this sender already sent with this clientId. */
  async send(
    tenantId: TenantId,
    chatId: string,
    senderId: string,
    draft: MessageDraft,
  ): Promise<SendOutcome> {
    const outcome = await this.batcher.submit({ tenantId, chatId, senderId, draft });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  private async write(requests: SendRequest[]): Promise<(SendOutcome | Error)[]> {
    if (requests.length > 1) {
      try {
        return await this.writeTogether(requests);
      } catch (error) {
        // A resend of one of these clientIds committed meanwhile (on any node): one at a time resolves it.
        if (!isUniqueViolation(error, 'messages_client_id_uq')) throw error;
      }
    }
    return Promise.all(requests.map((request) => this.writeOne(request).catch((error: Error) => error)));
  }

  /** One statement: the idempotency lookup, the counter bump and the insert commit or fail together. */
  private async writeOne({ tenantId, chatId, senderId, draft }: SendRequest): Promise<SendOutcome> {
    const sql = `
      WITH existing AS (
        SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.sender_id = $3 AND m.client_id = $4
      ), bump AS (
        UPDATE chats SET version = version + 1, last_seq = version + 1, last_message_at = now(), last_activity_at = now()
         WHERE tenant_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM existing)
        RETURNING version
      ), inserted AS (
        INSERT INTO messages AS m (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, attachments, reply_to)
        SELECT $1, $5, $2, bump.version, bump.version, $3, $4, $8, $6, $9::jsonb, $7 FROM bump
        RETURNING ${MESSAGE_COLUMNS}
      )
      SELECT true AS created, * FROM inserted UNION ALL SELECT false AS created, * FROM existing`;
    const params = [
      tenantId,
      chatId,
      senderId,
      draft.clientId,
      draft.id,
      draft.text,
      draft.replyTo,
      draft.kind,
      JSON.stringify(draft.attachments),
    ];
    let rows: (MessageRow & { created: boolean })[];
    try {
      rows = await this.db.query(sql, params);
    } catch (error) {
      // A concurrent retry of the same clientId committed first: answer with its message.
      if (!isUniqueViolation(error, 'messages_client_id_uq')) throw error;
      rows = (await this.existing(this.db, [{ tenantId, senderId, clientId: draft.clientId }])).map(
        (row) => ({
          ...row,
          created: false,
        }),
      );
    }
    const [first] = rows;
    if (!first) throw new Error(`Chat ${chatId} vanished while sending`);
    const { created, ...row } = first;
    return outcomeFor(chatId, row, created);
  }

  /**
   * Many sends in one statement: the chats involved are locked in one order (so concurrent batches
   * cannot deadlock), each takes its counter once for all of its new messages, and the messages are
   * numbered in arrival order. Resends of a clientId already stored answer the original.
   */
  private async writeTogether(requests: SendRequest[]): Promise<SendOutcome[]> {
    // A second copy of a clientId within one batch is answered like a resend of the first.
    const firstOf = new Map<string, number>();
    const unique: SendRequest[] = [];
    requests.forEach((request) => {
      const key = idempotencyKey({
        tenantId: request.tenantId,
        senderId: request.senderId,
        clientId: request.draft.clientId,
      });
      if (!firstOf.has(key)) {
        firstOf.set(key, unique.length);
        unique.push(request);
      }
    });
    const rows = await this.db.query<MessageRow & { tenantId: string; ord: number; created: boolean }>(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::uuid[],
                              $8::text[], $9::jsonb[])
           WITH ORDINALITY AS x(tenant_id, chat_id, sender_id, client_id, id, text, reply_to, kind, attachments, ord)
       ), existing AS (
         SELECT x.ord, m.* FROM input x
           JOIN messages m ON m.tenant_id = x.tenant_id AND m.sender_id = x.sender_id AND m.client_id = x.client_id
       ), fresh AS (
         SELECT x.*, row_number() OVER (PARTITION BY x.tenant_id, x.chat_id ORDER BY x.ord) AS k
           FROM input x WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = x.ord)
       ), counts AS (
         SELECT tenant_id, chat_id, count(*)::int AS n FROM fresh GROUP BY tenant_id, chat_id
       ), locked AS MATERIALIZED (
         SELECT c.tenant_id, c.id FROM chats c JOIN counts ON c.tenant_id = counts.tenant_id AND c.id = counts.chat_id
          ORDER BY c.tenant_id, c.id FOR UPDATE OF c
       ), bump AS (
         UPDATE chats c SET version = c.version + counts.n, last_seq = c.version + counts.n,
                last_message_at = now(), last_activity_at = now()
           FROM counts JOIN locked ON locked.tenant_id = counts.tenant_id AND locked.id = counts.chat_id
          WHERE c.tenant_id = counts.tenant_id AND c.id = counts.chat_id
          RETURNING c.tenant_id, c.id, c.version - counts.n AS base
       ), inserted AS (
         INSERT INTO messages AS m (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, attachments, reply_to)
         SELECT f.tenant_id, f.id, f.chat_id, b.base + f.k, b.base + f.k, f.sender_id, f.client_id, f.kind, f.text,
                f.attachments, f.reply_to
           FROM fresh f JOIN bump b ON b.tenant_id = f.tenant_id AND b.id = f.chat_id
         RETURNING m.tenant_id AS "tenantId", ${MESSAGE_COLUMNS}
       )
       SELECT x.ord::int AS ord, true AS created, i.* FROM inserted i JOIN input x ON x.id = i.id
       UNION ALL
       SELECT e.ord::int, false, e.tenant_id, ${MESSAGE_COLUMNS.replaceAll('m.', 'e.')} FROM existing e`,
      [
        unique.map((r) => r.tenantId),
        unique.map((r) => r.chatId),
        unique.map((r) => r.senderId),
        unique.map((r) => r.draft.clientId),
        unique.map((r) => r.draft.id),
        unique.map((r) => r.draft.text),
        unique.map((r) => r.draft.replyTo),
        unique.map((r) => r.draft.kind),
        unique.map((r) => JSON.stringify(r.draft.attachments)),
      ],
    );
    const byOrd = new Map(
      rows.map(({ ord, created, tenantId: _tenantId, ...row }) => [ord, { row, created }]),
    );
    return requests.map((request) => {
      const key = idempotencyKey({
        tenantId: request.tenantId,
        senderId: request.senderId,
        clientId: request.draft.clientId,
      });
      const index = firstOf.get(key)!;
      const stored = byOrd.get(index + 1);
      if (!stored) throw new Error(`Chat ${request.chatId} vanished while sending`);
      return outcomeFor(request.chatId, stored.row, stored.created && unique[index] === request);
    });
  }

  private async existing(
    executor: Queryable,
    keys: { tenantId: TenantId; senderId: string; clientId: string }[],
  ): Promise<(MessageRow & { tenantId: string })[]> {
    return executor.query<MessageRow & { tenantId: string }>(
      `SELECT m.tenant_id AS "tenantId", ${MESSAGE_COLUMNS}
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(tenant_id, sender_id, client_id)
         JOIN messages m ON m.tenant_id = x.tenant_id AND m.sender_id = x.sender_id AND m.client_id = x.client_id`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.senderId), keys.map((k) => k.clientId)],
    );
  }
}

function outcomeFor(chatId: string, row: MessageRow, created: boolean): SendOutcome {
  if (row.chatId !== chatId) return { kind: 'client_id_taken' };
  return { kind: created ? 'created' : 'replayed', row };
}
