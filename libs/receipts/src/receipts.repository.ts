import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';
import type { Receipt } from '@parley/protocol';

@Injectable()
export class ReceiptsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Moves the member's read pointer up to `seq` (the newest message when null), never backwards and
   * never past the newest message; delivery follows, since what was read has arrived.
   */
  async markRead(
    tenantId: TenantId,
    chatId: string,
    userId: string,
    seq: number | null,
  ): Promise<Receipt | null> {
    const [row] = await this.db.query<Receipt>(
      `UPDATE chat_members m
          SET read_seq = GREATEST(m.read_seq, LEAST(COALESCE($4, c.last_seq), c.last_seq)),
              delivered_seq = GREATEST(m.delivered_seq, LEAST(COALESCE($4, c.last_seq), c.last_seq))
         FROM chats c
        WHERE c.tenant_id = $1 AND c.id = $2 AND m.tenant_id = $1 AND m.chat_id = $2 AND m.user_id = $3
        RETURNING m.user_id AS "userId", m.delivered_seq AS "deliveredSeq", m.read_seq AS "readSeq"`,
      [tenantId, chatId, userId, seq],
    );
    return row ?? null;
  }

  /** Moves each member's delivered pointer up to its seq (capped at the newest message); answers those that moved. */
  async advanceDelivered(
    tenantId: TenantId,
    pointers: { chatId: string; userId: string; seq: number }[],
  ): Promise<(Receipt & { chatId: string; memberCount: number })[]> {
    return this.db.query<Receipt & { chatId: string; memberCount: number }>(
      `UPDATE chat_members m
          SET delivered_seq = LEAST(x.seq, c.last_seq)
         FROM unnest($2::uuid[], $3::text[], $4::bigint[]) AS x(chat_id, user_id, seq), chats c
        WHERE m.tenant_id = $1 AND m.chat_id = x.chat_id AND m.user_id = x.user_id
          AND c.tenant_id = $1 AND c.id = x.chat_id AND m.delivered_seq < LEAST(x.seq, c.last_seq)
        RETURNING m.chat_id AS "chatId", m.user_id AS "userId", m.delivered_seq AS "deliveredSeq", m.read_seq AS "readSeq",
                  c.member_count AS "memberCount"`,

      [tenantId, pointers.map((p) => p.chatId), pointers.map((p) => p.userId), pointers.map((p) => p.seq)],
    );
  }

  /**
   * Live messages after each read pointer that `userId` did not send: an index-only count per chat,
   * stopped at `cap` so a chat list stays fast however far behind its reader is.
   */
  async unreadCounts(
    tenantId: TenantId,
    userId: string,
    pointers: { chatId: string; readSeq: number }[],
    cap: number,
  ): Promise<Map<string, number>> {
    if (pointers.length === 0) return new Map();
    const rows = await this.db.query<{ chatId: string; unread: number }>(
      `SELECT x.chat_id AS "chatId",
              (SELECT count(*)::int FROM (
                 SELECT 1 FROM messages m
                  WHERE m.tenant_id = $1 AND m.chat_id = x.chat_id AND m.seq > x.read_seq
                    AND m.deleted_at IS NULL AND m.sender_id IS DISTINCT FROM $2
                  LIMIT $5) AS capped) AS unread
         FROM unnest($3::uuid[], $4::bigint[]) AS x(chat_id, read_seq)`,
      [tenantId, userId, pointers.map((p) => p.chatId), pointers.map((p) => p.readSeq), cap],
    );
    return new Map(rows.map((r) => [r.chatId, r.unread]));
  }
}
