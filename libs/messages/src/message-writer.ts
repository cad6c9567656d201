import { Injectable } from '@nestjs/common';
import type { StoredAttachment } from '@parley/attachments';
import type { ChatAccessRow } from '@parley/chats';
import { Batcher, Database, isUniqueViolation, type TenantId } from '@parley/db';
import { MESSAGE_COLUMNS, type MessageRow } from './message-row.js';
import { SearchPendingList } from './search-pending-list.js';

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
  | { kind: 'client_id_taken' }
  /** The sender has no seat in the chat: what was found of it (null: no such chat in the tenant). */
  | { kind: 'refused'; access: ChatAccessRow | null };

/**
 * One row per send: the access found; for a new message what Postgres gave it (`freshSeq`,
 * `freshCreatedAt`), the rest being the send's own; for a resend the message stored before, whole.
 * Columns that do not apply are null.
 */
type OutcomeRow = NullableColumns<MessageRow> & {
  ord: number;
  chatKind: ChatAccessRow['kind'] | null;
  memberRole: ChatAccessRow['role'];
  freshSeq: number | null;
  freshCreatedAt: Date | null;
};
type NullableColumns<Row> = { [Column in keyof Row]: Row[Column] | null };

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
/** Each retry follows a resend that committed meanwhile; more than a few in a row is not that. */
const MAX_ATTEMPTS = 3;

/**
 * The batch statement of `writeTogether` (see there). Its rows: one per input send, with the access
 * found and the message stored or found. A new message comes back as its seq and time only: the rest
 * is what the send gave, and sending every column back and parsing it again was work on both sides
 * for every message.
 *
 * Each array is read through a scalar subquery, so that Postgres plans the statement once per
 * connection: see `Database.prepared`.
 *
 * Each send's chat, seat and resend are looked up one send at a time (LATERAL subqueries that LIMIT
 * keeps from being flattened into joins), and each new message finds its chat's first number in a map
 * (`bases`) rather than by a join. The generic plan does not know how many sends a batch holds: as
 * joins, it hashed every chat and seat of the database for each batch while there were a few thousand
 * (test/integration/write-plans.test.ts), and an estimate of a handful of rows could make a nested
 * loop of every send by every message or chat.
 */
const WRITE_BATCH_SQL = `WITH input AS (
     SELECT * FROM unnest((SELECT $1::uuid[]), (SELECT $2::uuid[]), (SELECT $3::text[]), (SELECT $4::text[]),
                          (SELECT $5::uuid[]), (SELECT $6::text[]), (SELECT $7::uuid[]), (SELECT $8::text[]),
                          (SELECT $9::jsonb[]))
       WITH ORDINALITY AS x(tenant_id, chat_id, sender_id, client_id, id, text, reply_to, kind, attachments, ord)
   ), access AS (
     SELECT x.ord, c.kind AS chat_kind, m.role FROM input x
       LEFT JOIN LATERAL (SELECT c.kind FROM chats c WHERE c.tenant_id = x.tenant_id AND c.id = x.chat_id
                           LIMIT 1) c ON true
       LEFT JOIN LATERAL (SELECT m.role FROM chat_members m
                           WHERE m.tenant_id = x.tenant_id AND m.chat_id = x.chat_id AND m.user_id = x.sender_id
                           LIMIT 1) m ON true
   ), allowed AS (
     SELECT x.* FROM input x JOIN access a ON a.ord = x.ord WHERE a.role IS NOT NULL
   ), existing AS (
     SELECT x.ord, m.* FROM allowed x
       CROSS JOIN LATERAL (SELECT * FROM messages m
                            WHERE m.tenant_id = x.tenant_id AND m.sender_id = x.sender_id AND m.client_id = x.client_id
                            LIMIT 1) m
   ), fresh AS (
     SELECT x.*, row_number() OVER (PARTITION BY x.tenant_id, x.chat_id ORDER BY x.ord) AS k
       FROM allowed x WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = x.ord)
   ), counts AS (
     SELECT tenant_id, chat_id, count(*)::int AS n FROM fresh GROUP BY tenant_id, chat_id
   ), locked AS MATERIALIZED (
     SELECT c.tenant_id, c.id, counts.n FROM chats c
       JOIN counts ON c.tenant_id = counts.tenant_id AND c.id = counts.chat_id
      ORDER BY c.tenant_id, c.id FOR UPDATE OF c
   ), bump AS (
     UPDATE chats c SET version = c.version + l.n, last_seq = c.version + l.n,
            last_message_at = now(), last_activity_at = now()
       FROM locked l WHERE c.tenant_id = l.tenant_id AND c.id = l.id
      RETURNING c.tenant_id, c.id, c.version - l.n AS base
   ), bases AS MATERIALIZED (
     SELECT jsonb_object_agg(b.tenant_id::text || b.id::text, b.base) AS of_chat FROM bump b
   ), inserted AS (
     INSERT INTO messages AS m (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, attachments, reply_to)
     SELECT f.tenant_id, f.id, f.chat_id, s.seq, s.seq, f.sender_id, f.client_id, f.kind, f.text, f.attachments, f.reply_to
       FROM fresh f CROSS JOIN bases
      CROSS JOIN LATERAL (SELECT (bases.of_chat ->> (f.tenant_id::text || f.chat_id::text))::bigint + f.k AS seq) s
      WHERE s.seq IS NOT NULL
     RETURNING m.id, m.seq, m.created_at
   )
   SELECT a.ord::int AS ord, a.chat_kind AS "chatKind", a.role AS "memberRole",
          i.seq AS "freshSeq", i.created_at AS "freshCreatedAt", ${MESSAGE_COLUMNS.replaceAll('m.', 'e.')}
     FROM access a JOIN input x ON x.ord = a.ord
     LEFT JOIN inserted i ON i.id = x.id
     LEFT JOIN existing e ON e.ord = a.ord`;

/**
 * The batch statement is prepared (planned on every run, a one-message write took 2.5 ms, not 0.6),
 * and each connection keeps the plan it made for the tables as they were then. One made while
 * `messages` was small can look resends up by any index, since on a table of a page or two they all
 * cost the same: the chat's seq index reads every message of the tenant, and a batch of 150 went from
 * 13 ms to 690 ms over the first 30,000 messages. Postgres replaces a plan when ANALYZE runs, which
 * autovacuum does late or, switched off, never. So the statement takes a new name, and every
 * connection a new plan, each time the messages this process stored have doubled, from 1,024 on: a
 * few dozen plans in a process's life (test/integration/write-plans.test.ts).
 */
export function writePlanGeneration(storedByThisProcess: number): number {
  return storedByThisProcess < 1024 ? 0 : Math.floor(Math.log2(storedByThisProcess)) - 9;
}

const idempotencyKey = (r: { tenantId: string; senderId: string | null; clientId: string | null }): string =>
  `${r.tenantId}|${r.senderId}|${r.clientId}`;

/**
 * Stores new messages. Concurrent sends share one statement that checks each sender's membership and
 * takes each chat's counter once for all of its new messages, so that throughput is not capped at one
 * database round trip per message (a send alone is a batch of one). Each request carries its own
 * tenant id, and every row it touches is matched on that tenant id.
 */
@Injectable()
export class MessageWriter {
  private readonly batcher = new Batcher<SendRequest, SendOutcome>((requests) => this.write(requests), {
    maxBatch: MAX_BATCH,
    maxConcurrent: MAX_CONCURRENT_BATCHES,
  });

  /** New messages this writer stored: see `writePlanGeneration`. */
  private stored = 0;

  constructor(
    private readonly db: Database,
    private readonly searchPendingList: SearchPendingList,
  ) {}

  /**
   * Stores a new message if the sender is a member of the chat, or answers the one this sender already
   * sent with this clientId.
   */
  send(tenantId: TenantId, chatId: string, senderId: string, draft: MessageDraft): Promise<SendOutcome> {
    return this.batcher.submit({ tenantId, chatId, senderId, draft });
  }

  /**
   * A unique violation means a resend of one of these clientIds committed meanwhile (on any node): the
   * statement changed nothing, and run again it finds that message and answers it.
   */
  private async write(requests: SendRequest[]): Promise<SendOutcome[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.writeTogether(requests);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isUniqueViolation(error, 'messages_client_id_uq')) throw error;
      }
    }
  }

  /**
   * One statement for any number of sends: each sender's seat in its chat is checked, the chats
   * involved are locked in one order (so concurrent batches cannot deadlock), each takes its counter
   * once for all of its new messages, and the messages are numbered in arrival order. Resends of a
   * clientId already stored answer the original. A send whose sender is not a member changes nothing
   * and comes back with what the statement found of the chat, for the access rules to answer.
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
    const statement = `message-write-batch-${writePlanGeneration(this.stored)}`;
    const rows = await this.db.prepared<OutcomeRow>(statement, WRITE_BATCH_SQL, [
      unique.map((r) => r.tenantId),
      unique.map((r) => r.chatId),
      unique.map((r) => r.senderId),
      unique.map((r) => r.draft.clientId),
      unique.map((r) => r.draft.id),
      unique.map((r) => r.draft.text),
      unique.map((r) => r.draft.replyTo),
      unique.map((r) => r.draft.kind),
      unique.map((r) => JSON.stringify(r.draft.attachments)),
    ]);
    const createdCount = rows.filter((row) => row.freshSeq !== null).length;
    this.stored += createdCount;
    this.searchPendingList.noteStored(createdCount);
    const byOrd = new Map(rows.map((row) => [row.ord, row]));
    return requests.map((request) => {
      const key = idempotencyKey({
        tenantId: request.tenantId,
        senderId: request.senderId,
        clientId: request.draft.clientId,
      });
      const index = firstOf.get(key)!;
      const first = unique[index]!;
      const outcome = byOrd.get(index + 1)!;
      const { chatKind, memberRole } = outcome;
      if (!memberRole) return { kind: 'refused', access: chatKind ? { kind: chatKind, role: null } : null };
      const created = outcome.freshSeq !== null;
      const row = created ? freshRow(first, outcome.freshSeq!, outcome.freshCreatedAt!) : storedRow(outcome);
      // Neither: the chat was deleted between the statement's access check and its lock.
      if (!row) return { kind: 'refused', access: null };
      if (row.chatId !== request.chatId) return { kind: 'client_id_taken' };
      return { kind: created && first === request ? 'created' : 'replayed', row };
    });
  }
}

/** A message the batch stored, as a read of it would answer. */
function freshRow({ chatId, senderId, draft }: SendRequest, seq: number, createdAt: Date): MessageRow {
  return {
    id: draft.id,
    chatId,
    seq,
    version: seq,
    senderId,
    clientId: draft.clientId,
    kind: draft.kind,
    text: draft.text,
    attachments: draft.attachments,
    replyTo: draft.replyTo,
    reactionCounts: {},
    createdAt,
    editedAt: null,
    deletedAt: null,
  };
}

/** The message a resend found, or null when there is none. */
function storedRow({
  ord: _ord,
  chatKind: _chatKind,
  memberRole: _memberRole,
  freshSeq: _freshSeq,
  freshCreatedAt: _freshCreatedAt,
  ...row
}: OutcomeRow): MessageRow | null {
  return row.id === null ? null : (row as MessageRow);
}
