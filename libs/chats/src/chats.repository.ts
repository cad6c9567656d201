import { Injectable } from '@nestjs/common';
import { Batcher, Database, Rollback, type Queryable, type TenantId } from '@parley/db';
import type { MemberRole } from '@parley/protocol';
import type { ChatAccessRow } from './chat-access.js';

export interface ChatRow {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  distinctKey: string | null;
  version: number;
  lastSeq: number;
  memberCount: number;
  createdAt: Date;
  lastMessageAt: Date | null;
}

export interface MemberRow {
  userId: string;
  role: MemberRole;
  deliveredSeq: number;
  readSeq: number;
  joinedAt: Date;
}

export interface ChatListRow extends ChatRow {
  membership: MemberRow | null;
  /** `last_activity_at` as Postgres prints it: exact to the microsecond, unlike a JS Date. */
  activityKey: string;
}

interface AccessKey {
  tenantId: TenantId;
  chatId: string;
  userId: string | null;
}

export interface ActivityCursor {
  activityKey: string;
  id: string;
}

const CHAT_COLUMNS = `c.id, c.kind, c.title, c.distinct_key AS "distinctKey", c.version, c.last_seq AS "lastSeq",
  c.member_count AS "memberCount", c.created_at AS "createdAt", c.last_message_at AS "lastMessageAt"`;
const MEMBER_COLUMNS = `m.user_id AS "userId", m.role, m.delivered_seq AS "deliveredSeq", m.read_seq AS "readSeq",
  m.joined_at AS "joinedAt"`;
const MEMBERSHIP_JSON = `CASE WHEN m.user_id IS NULL THEN NULL ELSE json_build_object('userId', m.user_id,
  'role', m.role, 'deliveredSeq', m.delivered_seq, 'readSeq', m.read_seq, 'joinedAt', m.joined_at) END`;

@Injectable()
export class ChatsRepository {
  constructor(private readonly db: Database) {}

  /**
   * The chat's kind and the acting user's role in it; null when the chat does not exist. Every
   * chat-scoped call asks this first, so concurrent lookups share one query (each matched on its own
   * tenant id).
   */
  accessRow(tenantId: TenantId, chatId: string, userId: string | null): Promise<ChatAccessRow | null> {
    return this.accessLookups.submit({ tenantId, chatId, userId });
  }

  private readonly accessLookups = new Batcher<AccessKey, ChatAccessRow | null>(
    (keys) => this.accessRows(keys),
    {
      maxBatch: 500,
      maxConcurrent: 4,
    },
  );

  /**
   * Each key's chat and seat are looked up by key, one key at a time (LATERAL subqueries that LIMIT
   * keeps from being flattened into joins). The prepared statement's generic plan does not know how
   * many keys a lookup holds: as joins, with the tables analyzed, it read every chat of the database
   * for each lookup, and found the seat among all of the user's (test/integration/write-plans.test.ts).
   * The arrays are read through scalar subqueries, so that Postgres keeps that one plan (see
   * `Database.prepared`): shown their lengths, it planned every lookup again.
   */
  private async accessRows(keys: AccessKey[]): Promise<(ChatAccessRow | null)[]> {
    const rows = await this.db.prepared<ChatAccessRow & { i: number }>(
      'chat-access-rows',
      `SELECT x.i::int AS i, c.kind, m.role
         FROM unnest((SELECT $1::uuid[]), (SELECT $2::uuid[]), (SELECT $3::text[]))
              WITH ORDINALITY AS x(tenant_id, chat_id, user_id, i)
         CROSS JOIN LATERAL (SELECT c.kind FROM chats c WHERE c.tenant_id = x.tenant_id AND c.id = x.chat_id
                              LIMIT 1) c
         LEFT JOIN LATERAL (SELECT m.role FROM chat_members m
                             WHERE m.tenant_id = x.tenant_id AND m.chat_id = x.chat_id AND m.user_id = x.user_id
                             LIMIT 1) m ON true`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.chatId), keys.map((k) => k.userId)],
    );
    const found = new Map(rows.map(({ i, kind, role }) => [i, { kind, role }]));
    return keys.map((_, i) => found.get(i + 1) ?? null);
  }

  async get(tenantId: TenantId, chatId: string): Promise<ChatRow | null> {
    const [row] = await this.db.query<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, chatId],
    );
    return row ?? null;
  }

  /** Which of these users exist (and are not erased). */
  async existingUsers(tenantId: TenantId, userIds: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2::text[]) AND deleted_at IS NULL`,
      [tenantId, userIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Creates the direct chat for a distinct key, or finds the one that exists. Two callers racing get the
   * same chat: the loser's insert waits on the winner's unique key and then finds its row.
   */
  async openDirect(
    tenantId: TenantId,
    chat: { id: string; distinctKey: string },
    members: [string, string],
  ): Promise<{ chat: ChatRow; created: boolean }> {
    const created = await this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO chats (tenant_id, id, kind, distinct_key, member_count) VALUES ($1, $2, 'direct', $3, 2)
         ON CONFLICT (tenant_id, distinct_key) WHERE distinct_key IS NOT NULL DO NOTHING RETURNING id`,
        [tenantId, chat.id, chat.distinctKey],
      );
      if (inserted.length === 0) return false;
      await this.insertMembers(
        tx,
        tenantId,
        chat.id,
        members.map((userId) => ({ userId, role: 'member' as const })),
      );
      return true;
    });
    const [row] = await this.db.query<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.tenant_id = $1 AND c.distinct_key = $2`,
      [tenantId, chat.distinctKey],
    );
    return { chat: row!, created };
  }

  async createGroup(
    tenantId: TenantId,
    chat: { id: string; title: string | null },
    members: { userId: string; role: MemberRole }[],
  ): Promise<ChatRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ChatRow>(
        `INSERT INTO chats AS c (tenant_id, id, kind, title, member_count) VALUES ($1, $2, 'group', $3, $4)
         RETURNING ${CHAT_COLUMNS}`,
        [tenantId, chat.id, chat.title, members.length],
      );
      await this.insertMembers(tx, tenantId, chat.id, members);
      return row!;
    });
  }

  async rename(tenantId: TenantId, chatId: string, title: string | null): Promise<ChatRow | null> {
    const [row] = await this.db.query<ChatRow>(
      `UPDATE chats c SET title = $3 WHERE c.tenant_id = $1 AND c.id = $2 RETURNING ${CHAT_COLUMNS}`,
      [tenantId, chatId, title],
    );
    return row ?? null;
  }

  /** Every chat the user is a member of: the rooms their sockets join. */
  async chatIdsOf(tenantId: TenantId, userId: string): Promise<string[]> {
    const rows = await this.db.query<{ chatId: string }>(
      `SELECT chat_id AS "chatId" FROM chat_members WHERE tenant_id = $1 AND user_id = $2`,
      [tenantId, userId],
    );
    return rows.map((r) => r.chatId);
  }

  /** The user's chats with at most `maxMembers` members: where their presence changes are announced. */
  async smallChatIdsOf(tenantId: TenantId, userId: string, maxMembers: number): Promise<string[]> {
    const rows = await this.db.query<{ chatId: string }>(
      `SELECT c.id AS "chatId" FROM chat_members m JOIN chats c ON c.tenant_id = m.tenant_id AND c.id = m.chat_id
        WHERE m.tenant_id = $1 AND m.user_id = $2 AND c.member_count <= $3`,
      [tenantId, userId, maxMembers],
    );
    return rows.map((r) => r.chatId);
  }

  /**
   * Adds whoever is not yet a member, unless the group would grow past `maxMembers`; null then.
   * The chat row lock keeps concurrent additions from overshooting the limit together.
   */
  async addMembers(
    tenantId: TenantId,
    chatId: string,
    members: { userId: string; role: MemberRole }[],
    maxMembers: number,
  ): Promise<MemberRow[] | null> {
    return this.db.transaction<MemberRow[] | null>(async (tx) => {
      const [chat] = await tx.query<{ memberCount: number }>(
        `SELECT member_count AS "memberCount" FROM chats WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [tenantId, chatId],
      );
      const added = await this.insertMembers(tx, tenantId, chatId, members);
      if (chat!.memberCount + added.length > maxMembers) throw new Rollback(null);
      await tx.query(`UPDATE chats SET member_count = member_count + $3 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        chatId,
        added.length,
      ]);
      return added;
    });
  }

  async removeMember(tenantId: TenantId, chatId: string, userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Membership writers lock the chat row first, as sends do, so they never deadlock with each other.
      await tx.query(`SELECT 1 FROM chats WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, chatId]);
      const removed = await tx.query<unknown>(
        `DELETE FROM chat_members WHERE tenant_id = $1 AND chat_id = $2 AND user_id = $3 RETURNING 1`,
        [tenantId, chatId, userId],
      );
      if (removed.length === 0) return false;
      await tx.query(`UPDATE chats SET member_count = member_count - 1 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        chatId,
      ]);
      return true;
    });
  }

  async member(tenantId: TenantId, chatId: string, userId: string): Promise<MemberRow | null> {
    const [row] = await this.db.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM chat_members m WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.user_id = $3`,
      [tenantId, chatId, userId],
    );
    return row ?? null;
  }

  async setRole(
    tenantId: TenantId,
    chatId: string,
    userId: string,
    role: MemberRole,
  ): Promise<MemberRow | null> {
    const [row] = await this.db.query<MemberRow>(
      `UPDATE chat_members m SET role = $4 WHERE m.tenant_id = $1 AND m.chat_id = $2 AND m.user_id = $3
       RETURNING ${MEMBER_COLUMNS}`,
      [tenantId, chatId, userId, role],
    );
    return row ?? null;
  }

  /** Members ordered by user id, after `afterUserId`. */
  async listMembers(
    tenantId: TenantId,
    chatId: string,
    afterUserId: string | null,
    limit: number,
  ): Promise<MemberRow[]> {
    return this.db.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM chat_members m
        WHERE m.tenant_id = $1 AND m.chat_id = $2 AND ($3::text IS NULL OR m.user_id > $3)
        ORDER BY m.user_id LIMIT $4`,
      [tenantId, chatId, afterUserId, limit],
    );
  }

  /** A page of members in user id order (keyset), each with whether they have the chat muted now. */
  memberMutePage(
    tenantId: TenantId,
    chatId: string,
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; muted: boolean }[]> {
    return this.db.query(
      `SELECT m.user_id AS "userId", COALESCE(m.muted_until > now(), false) AS muted FROM chat_members m
        WHERE m.tenant_id = $1 AND m.chat_id = $2 AND ($3::text IS NULL OR m.user_id > $3)
        ORDER BY m.user_id LIMIT $4`,
      [tenantId, chatId, afterUserId, limit],
    );
  }

  /** A user's chats, most recent activity first, each with the user's membership. */
  async listForUser(
    tenantId: TenantId,
    userId: string,
    after: ActivityCursor | null,
    limit: number,
  ): Promise<ChatListRow[]> {
    return this.db
      .query<ChatListRow>(
        `SELECT ${CHAT_COLUMNS}, c.last_activity_at::text AS "activityKey", ${MEMBERSHIP_JSON} AS membership
         FROM chat_members m
         JOIN chats c ON c.tenant_id = m.tenant_id AND c.id = m.chat_id
        WHERE m.tenant_id = $1 AND m.user_id = $2
          AND ($3::timestamptz IS NULL OR (c.last_activity_at, c.id) < ($3::timestamptz, $4::uuid))
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $5`,
        [tenantId, userId, after?.activityKey ?? null, after?.id ?? null, limit],
      )
      .then(reviveMemberships);
  }

  /** Every chat of the tenant, most recent activity first: the tenant backend's view. */
  async listAll(tenantId: TenantId, after: ActivityCursor | null, limit: number): Promise<ChatListRow[]> {
    return this.db.query<ChatListRow>(
      `SELECT ${CHAT_COLUMNS}, c.last_activity_at::text AS "activityKey", NULL AS membership
         FROM chats c
        WHERE c.tenant_id = $1
          AND ($2::timestamptz IS NULL OR (c.last_activity_at, c.id) < ($2::timestamptz, $3::uuid))
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $4`,
      [tenantId, after?.activityKey ?? null, after?.id ?? null, limit],
    );
  }

  async chatWithMembership(
    tenantId: TenantId,
    chatId: string,
    userId: string | null,
  ): Promise<ChatListRow | null> {
    const rows = await this.db.query<ChatListRow>(
      `SELECT ${CHAT_COLUMNS}, c.last_activity_at::text AS "activityKey", ${MEMBERSHIP_JSON} AS membership
         FROM chats c
         LEFT JOIN chat_members m ON m.tenant_id = c.tenant_id AND m.chat_id = c.id AND m.user_id = $3
        WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, chatId, userId],
    );
    return reviveMemberships(rows)[0] ?? null;
  }

  /** Erasure: the user leaves every chat; answers the chats they left. */
  async removeUserEverywhere(tenantId: TenantId, userId: string): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      // Chat rows first and in id order, so this cannot deadlock with sends or other membership changes.
      const chats = await tx.query<{ id: string }>(
        `SELECT c.id FROM chats c JOIN chat_members m ON m.tenant_id = c.tenant_id AND m.chat_id = c.id
          WHERE c.tenant_id = $1 AND m.user_id = $2 ORDER BY c.id FOR UPDATE OF c`,
        [tenantId, userId],
      );
      const chatIds = chats.map((c) => c.id);
      await tx.query(
        `DELETE FROM chat_members WHERE tenant_id = $1 AND user_id = $2 AND chat_id = ANY($3::uuid[])`,
        [tenantId, userId, chatIds],
      );
      await tx.query(
        `UPDATE chats SET member_count = member_count - 1 WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
        [tenantId, chatIds],
      );
      return chatIds;
    });
  }

  private async insertMembers(
    tx: Queryable,
    tenantId: TenantId,
    chatId: string,
    members: { userId: string; role: MemberRole }[],
  ): Promise<MemberRow[]> {
    return tx.query<MemberRow>(
      `INSERT INTO chat_members AS m (tenant_id, chat_id, user_id, role)
       SELECT $1, $2, u.user_id, u.role FROM unnest($3::text[], $4::text[]) AS u(user_id, role)
       ON CONFLICT DO NOTHING
       RETURNING ${MEMBER_COLUMNS}`,
      [tenantId, chatId, members.map((m) => m.userId), members.map((m) => m.role)],
    );
  }
}

function reviveMemberships(rows: ChatListRow[]): ChatListRow[] {
  for (const row of rows) {
    if (row.membership) row.membership.joinedAt = new Date(row.membership.joinedAt);
  }
  return rows;
}
