import { Injectable } from '@nestjs/common';
import { Database, Rollback, type Queryable, type TenantId } from '@parley/db';
import { MESSAGE_COLUMNS, type MessageRow } from './message-row.js';

export type ReactionOutcome =
  { kind: 'changed'; row: MessageRow } | { kind: 'unchanged' } | { kind: 'refused' };

export interface HistoryWindow {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

/**
 * The chat counter: every change in a chat takes its next value while holding the chat row's lock
 * until commit, so values become visible in the order they were taken and catch-up never skips one.
 */
async function takeNextVersion(tx: Queryable, tenantId: TenantId, chatId: string): Promise<number> {
  const [chat] = await tx.query<{ version: number }>(
    `UPDATE chats SET version = version + 1 WHERE tenant_id = $1 AND id = $2 RETURNING version`,
    [tenantId, chatId],
  );
  if (!chat) throw new Error(`Chat ${chatId} vanished during a change`);
  return chat.version;
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  async get(tenantId: TenantId, chatId: string, messageId: string): Promise<MessageRow | null> {
    const [row] = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.id = $3`,
      [tenantId, chatId, messageId],
    );
    return row ?? null;
  }

  /** The message this sender already sent with this clientId, in any chat. */
  async bySenderClientId(tenantId: TenantId, senderId: string, clientId: string): Promise<MessageRow | null> {
    const [row] = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.sender_id = $2 AND m.client_id = $3`,
      [tenantId, senderId, clientId],
    );
    return row ?? null;
  }

  async edit(
    tenantId: TenantId,
    chatId: string,
    messageId: string,
    text: string,
  ): Promise<MessageRow | null> {
    return this.changeMessage(tenantId, chatId, (tx, version) =>
      this.updateLive(tx, tenantId, chatId, messageId, version, `text = $5, edited_at = now()`, [text]),
    );
  }

  /** A deleted message keeps its id, seq and place, and loses its content and reactions. */
  async tombstone(tenantId: TenantId, chatId: string, messageId: string): Promise<MessageRow | null> {
    return this.changeMessage(tenantId, chatId, async (tx, version) => {
      const row = await this.updateLive(
        tx,
        tenantId,
        chatId,
        messageId,
        version,
        `text = NULL, attachments = '[]', reaction_counts = '{}', deleted_at = now()`,
        [],
      );
      await tx.query(`DELETE FROM reactions WHERE tenant_id = $1 AND message_id = $2`, [tenantId, messageId]);
      return row;
    });
  }

  async addReaction(
    tenantId: TenantId,
    chatId: string,
    messageId: string,
    userId: string,
    emoji: string,
    maxDistinct: number,
  ): Promise<ReactionOutcome> {
    let unchanged = false;
    const row = await this.changeMessage(tenantId, chatId, async (tx, version) => {
      const inserted = await tx.query<unknown>(
        `INSERT INTO reactions (tenant_id, message_id, user_id, emoji, chat_id)
         SELECT $1, m.id, $4, $5, m.chat_id FROM messages m
          WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.id = $3 AND m.deleted_at IS NULL
         ON CONFLICT DO NOTHING RETURNING 1`,
        [tenantId, chatId, messageId, userId, emoji],
      );
      if (inserted.length === 0) {
        unchanged = true;
        return null;
      }
      return this.updateLive(
        tx,
        tenantId,
        chatId,
        messageId,
        version,
        `reaction_counts = jsonb_set(reaction_counts, ARRAY[$5::text], to_jsonb(COALESCE((reaction_counts->>$5)::int, 0) + 1))`,
        [emoji],
        `AND (reaction_counts ? $5 OR (SELECT count(*) FROM jsonb_object_keys(reaction_counts)) < $6)`,
        [maxDistinct],
      );
    });
    if (row) return { kind: 'changed', row };
    return unchanged ? { kind: 'unchanged' } : { kind: 'refused' };
  }

  async removeReaction(
    tenantId: TenantId,
    chatId: string,
    messageId: string,
    userId: string,
    emoji: string,
  ): Promise<ReactionOutcome> {
    const row = await this.changeMessage(tenantId, chatId, async (tx, version) => {
      const removed = await tx.query<unknown>(
        `DELETE FROM reactions WHERE tenant_id = $1 AND message_id = $2 AND user_id = $3 AND emoji = $4 RETURNING 1`,
        [tenantId, messageId, userId, emoji],
      );
      if (removed.length === 0) return null;
      return this.updateLive(tx, tenantId, chatId, messageId, version, decrementReaction('$5'), [emoji]);
    });
    return row ? { kind: 'changed', row } : { kind: 'unchanged' };
  }

  /** Messages by seq: the newest `limit` before `before` (or overall), or the oldest after `after`. Ascending. */
  async history(tenantId: TenantId, chatId: string, window: HistoryWindow): Promise<MessageRow[]> {
    const newestFirst = window.after === undefined;
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.tenant_id = $1 AND m.chat_id = $2
          AND ($3::bigint IS NULL OR m.seq < $3) AND ($4::bigint IS NULL OR m.seq > $4)
        ORDER BY m.seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT $5`,
      [tenantId, chatId, window.before ?? null, window.after ?? null, window.limit],
    );
    return newestFirst ? rows.reverse() : rows;
  }

  /**
   * Every message changed after `since`, by version, up to the chat's version read first: changes at
   * or below it have all committed (the counter lock guarantees it), so the answer has no holes.
   */
  async changes(
    tenantId: TenantId,
    chatId: string,
    since: number,
    limit: number,
  ): Promise<{ rows: MessageRow[]; chatVersion: number }> {
    const [chat] = await this.db.query<{ version: number }>(
      `SELECT version FROM chats WHERE tenant_id = $1 AND id = $2`,
      [tenantId, chatId],
    );
    const chatVersion = chat?.version ?? 0;
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.version > $3 AND m.version <= $4
        ORDER BY m.version LIMIT $5`,
      [tenantId, chatId, since, chatVersion, limit],
    );
    return { rows, chatVersion };
  }

  /** The newest message of each chat, by the chats' `lastSeq`. */
  async latest(tenantId: TenantId, chats: { chatId: string; seq: number }[]): Promise<MessageRow[]> {
    if (chats.length === 0) return [];
    return this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM unnest($2::uuid[], $3::bigint[]) AS x(chat_id, seq)
         JOIN messages m ON m.tenant_id = $1 AND m.chat_id = x.chat_id AND m.seq = x.seq`,
      [tenantId, chats.map((c) => c.chatId), chats.map((c) => c.seq)],
    );
  }

  /** Which of these messages `userId` reacted to, and with what. */
  async reactionsBy(
    tenantId: TenantId,
    userId: string,
    messageIds: string[],
  ): Promise<Map<string, Set<string>>> {
    const mine = new Map<string, Set<string>>();
    if (messageIds.length === 0) return mine;
    const rows = await this.db.query<{ messageId: string; emoji: string }>(
      `SELECT message_id AS "messageId", emoji FROM reactions
        WHERE tenant_id = $1 AND user_id = $2 AND message_id = ANY($3::uuid[])`,
      [tenantId, userId, messageIds],
    );
    for (const { messageId, emoji } of rows) {
      const set = mine.get(messageId) ?? new Set<string>();
      set.add(emoji);
      mine.set(messageId, set);
    }
    return mine;
  }

  /** Chats where erasing `userId` changes something: their messages, or their reactions. */
  async chatsTouchedBy(tenantId: TenantId, userId: string): Promise<string[]> {
    const rows = await this.db.query<{ chatId: string }>(
      `SELECT chat_id AS "chatId" FROM messages WHERE tenant_id = $1 AND sender_id = $2
       UNION SELECT chat_id FROM reactions WHERE tenant_id = $1 AND user_id = $2
       ORDER BY 1`,
      [tenantId, userId],
    );
    return rows.map((r) => r.chatId);
  }

  /**
   * Erasure within one chat: the user's messages become anonymous tombstones and their reactions go,
   * each change taking its own version so that catch-up delivers it.
   */
  async eraseUserInChat(
    tenantId: TenantId,
    chatId: string,
    userId: string,
  ): Promise<{ tombstoned: MessageRow[]; updated: MessageRow[] }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM chats WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, chatId]);
      const sent = await tx.query<{ id: string }>(
        `SELECT id FROM messages WHERE tenant_id = $1 AND chat_id = $2 AND sender_id = $3 ORDER BY seq`,
        [tenantId, chatId, userId],
      );
      const tombstoned: MessageRow[] = [];
      for (const { id } of sent) {
        const version = await takeNextVersion(tx, tenantId, chatId);
        await tx.query(`DELETE FROM reactions WHERE tenant_id = $1 AND message_id = $2`, [tenantId, id]);
        const [row] = await tx.query<MessageRow>(
          `UPDATE messages m SET version = $3, text = NULL, attachments = '[]', reaction_counts = '{}',
                  sender_id = NULL, client_id = NULL, deleted_at = COALESCE(deleted_at, now())
            WHERE m.tenant_id = $1 AND m.id = $2 RETURNING ${MESSAGE_COLUMNS}`,
          [tenantId, id, version],
        );
        tombstoned.push(row!);
      }
      const reactions = await tx.query<{ messageId: string; emoji: string }>(
        `DELETE FROM reactions WHERE tenant_id = $1 AND chat_id = $2 AND user_id = $3
         RETURNING message_id AS "messageId", emoji`,
        [tenantId, chatId, userId],
      );
      const updated = new Map<string, MessageRow>();
      for (const { messageId, emoji } of reactions) {
        const version = await takeNextVersion(tx, tenantId, chatId);
        const [row] = await tx.query<MessageRow>(
          `UPDATE messages m SET version = $3, ${decrementReaction('$4')} WHERE m.tenant_id = $1 AND m.id = $2
           RETURNING ${MESSAGE_COLUMNS}`,
          [tenantId, messageId, version, emoji],
        );
        updated.set(messageId, row!);
      }
      return { tombstoned, updated: [...updated.values()] };
    });
  }

  /** Runs one change to a message under the next chat version; `work` answering null rolls it back. */
  private changeMessage(
    tenantId: TenantId,
    chatId: string,
    work: (tx: Queryable, version: number) => Promise<MessageRow | null>,
  ): Promise<MessageRow | null> {
    return this.db.transaction(async (tx) => {
      const row = await work(tx, await takeNextVersion(tx, tenantId, chatId));
      if (!row) throw new Rollback(null);
      return row;
    });
  }

  /** Updates a live (not deleted) message of the chat to `version` with `assignments` ($5… are `extra`). */
  private async updateLive(
    tx: Queryable,
    tenantId: TenantId,
    chatId: string,
    messageId: string,
    version: number,
    assignments: string,
    extra: unknown[],
    condition = '',
    conditionParams: unknown[] = [],
  ): Promise<MessageRow | null> {
    const [row] = await tx.query<MessageRow>(
      `UPDATE messages m SET version = $4, ${assignments}
        WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.id = $3 AND m.deleted_at IS NULL ${condition}
        RETURNING ${MESSAGE_COLUMNS}`,
      [tenantId, chatId, messageId, version, ...extra, ...conditionParams],
    );
    return row ?? null;
  }
}

/** The SQL assignment that takes one `emoji` (the parameter `$n`) off a message's reaction counts. */
const decrementReaction = (
  emoji: string,
): string => `reaction_counts = CASE WHEN COALESCE((reaction_counts->>${emoji})::int, 0) <= 1
  THEN reaction_counts - ${emoji}::text
  ELSE jsonb_set(reaction_counts, ARRAY[${emoji}::text], to_jsonb((reaction_counts->>${emoji})::int - 1)) END`;
