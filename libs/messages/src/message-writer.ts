import { Injectable } from '@nestjs/common';
import { Batcher, Database, isUniqueViolation, type Queryable, type TenantId } from '@parley/db';
import { MESSAGE_COLUMNS, type MessageRow } from './message-row.js';

export interface MessageDraft {
  id: string;
  clientId: string;
  text: string;
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
const MAX_BATCH = 256;
const MAX_CONCURRENT_BATCHES = 2;

const idempotencyKey = (r: { tenantId: string; senderId: string | null; clientId: string | null }): string =>
  `${r.tenantId}|${r.senderId}|${r.clientId}`;

/**
 * Stores new messages. One send alone is one statement; concurrent sends share a transaction that
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
        return await this.db.transaction((tx) => this.writeTogether(tx, requests));
      } catch (error) {
        // Another node raced one of these clientIds: one at a time resolves such races.
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
        INSERT INTO messages AS m (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, reply_to)
        SELECT $1, $5, $2, bump.version, bump.version, $3, $4, 'text', $6, $7 FROM bump
        RETURNING ${MESSAGE_COLUMNS}
      )
      SELECT true AS created, * FROM inserted UNION ALL SELECT false AS created, * FROM existing`;
    const params = [tenantId, chatId, senderId, draft.clientId, draft.id, draft.text, draft.replyTo];
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

  private async writeTogether(tx: Queryable, requests: SendRequest[]): Promise<SendOutcome[]> {
    // Chat rows are locked in one order by every batch, so concurrent batches cannot deadlock.
    const chats = [...new Map(requests.map((r) => [`${r.tenantId}|${r.chatId}`, r])).values()].sort((a, b) =>
      `${a.tenantId}|${a.chatId}`.localeCompare(`${b.tenantId}|${b.chatId}`),
    );
    await tx.query(
      `SELECT 1 FROM chats c JOIN unnest($1::uuid[], $2::uuid[]) AS x(tenant_id, id)
           ON c.tenant_id = x.tenant_id AND c.id = x.id
        ORDER BY c.tenant_id, c.id FOR UPDATE OF c`,
      [chats.map((c) => c.tenantId), chats.map((c) => c.chatId)],
    );
    // Read after the locks: a resend committed by anyone before them is seen and answered as a replay.
    const earlier = new Map(
      (
        await this.existing(
          tx,
          requests.map((r) => ({ tenantId: r.tenantId, senderId: r.senderId, clientId: r.draft.clientId })),
        )
      ).map((row) => [
        idempotencyKey({ tenantId: row.tenantId, senderId: row.senderId, clientId: row.clientId }),
        row,
      ]),
    );
    const fresh = new Map<string, SendRequest>();
    for (const request of requests) {
      const key = idempotencyKey({
        tenantId: request.tenantId,
        senderId: request.senderId,
        clientId: request.draft.clientId,
      });
      if (!earlier.has(key) && !fresh.has(key)) fresh.set(key, request);
    }
    const created = new Map<string, MessageRow>();
    if (fresh.size > 0) {
      const perChat = new Map<string, SendRequest[]>();
      for (const request of fresh.values()) {
        const chatKey = `${request.tenantId}|${request.chatId}`;
        const group = perChat.get(chatKey);
        if (group) group.push(request);
        else perChat.set(chatKey, [request]);
      }
      const counts = [...perChat.values()];
      const bumped = await tx.query<{ tenantId: string; chatId: string; base: number }>(
        `UPDATE chats c SET version = c.version + x.n, last_seq = c.version + x.n,
                last_message_at = now(), last_activity_at = now()
           FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS x(tenant_id, id, n)
          WHERE c.tenant_id = x.tenant_id AND c.id = x.id
          RETURNING c.tenant_id AS "tenantId", c.id AS "chatId", c.version - x.n AS base`,
        [counts.map((g) => g[0]!.tenantId), counts.map((g) => g[0]!.chatId), counts.map((g) => g.length)],
      );
      const base = new Map(bumped.map((b) => [`${b.tenantId}|${b.chatId}`, b.base]));
      const rows: { request: SendRequest; seq: number }[] = [];
      for (const [chatKey, group] of perChat) {
        const start = base.get(chatKey);
        if (start === undefined) throw new Error(`Chat ${chatKey} vanished while sending`);
        group.forEach((request, i) => rows.push({ request, seq: start + i + 1 }));
      }
      const inserted = await tx.query<MessageRow & { tenantId: string }>(
        `INSERT INTO messages AS m (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, reply_to)
         SELECT x.tenant_id, x.id, x.chat_id, x.seq, x.seq, x.sender_id, x.client_id, 'text', x.text, x.reply_to
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::uuid[])
             AS x(tenant_id, id, chat_id, seq, sender_id, client_id, text, reply_to)
         RETURNING m.tenant_id AS "tenantId", ${MESSAGE_COLUMNS}`,
        [
          rows.map((r) => r.request.tenantId),
          rows.map((r) => r.request.draft.id),
          rows.map((r) => r.request.chatId),
          rows.map((r) => r.seq),
          rows.map((r) => r.request.senderId),
          rows.map((r) => r.request.draft.clientId),
          rows.map((r) => r.request.draft.text),
          rows.map((r) => r.request.draft.replyTo),
        ],
      );
      for (const row of inserted) created.set(row.id, stripTenant(row));
    }
    return requests.map((request) => {
      const key = idempotencyKey({
        tenantId: request.tenantId,
        senderId: request.senderId,
        clientId: request.draft.clientId,
      });
      const before = earlier.get(key);
      if (before) return outcomeFor(request.chatId, stripTenant(before), false);
      const first = fresh.get(key)!;
      const row = created.get(first.draft.id)!;
      // A second copy of the same clientId within one batch answers like a resend.
      return outcomeFor(request.chatId, row, first === request);
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

function stripTenant<T extends { tenantId?: string }>(row: T): Omit<T, 'tenantId'> {
  const { tenantId: _tenantId, ...rest } = row;
  return rest;
}
