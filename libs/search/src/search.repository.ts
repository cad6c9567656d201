import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';
import { MESSAGE_COLUMNS, type MessageRow } from '@parley/messages';
import { MATCH_END, MATCH_START } from './highlight.js';

/** A page of hits in chat order of the search: newest message (highest id) first. */
export interface SearchPageQuery {
  query: string;
  /** Only these chats; null for the whole tenant. */
  chatIds: string[] | null;
  /** At most this many messages are in those chats (null: unknown). */
  scopeSize: number | null;
  /** Only messages with a smaller id (older: ids are uuid7s, in creation order). */
  before: string | null;
  limit: number;
}

export type FoundRow = MessageRow & { marked: string | null };

/**
 * Below this many messages in the searched chats, the query reads those chats' messages and tests
 * each one, without the text index. Above it, the planner chooses. Why: a word in half of all
 * messages makes a GIN bitmap of half the table (about 40 ms per million messages), which the planner
 * underprices; a user's own chats are usually far smaller than that, and reading them costs the same
 * whatever the word.
 */
export const SMALL_SCOPE = 5_000;

/**
 * A larger scope is first looked for among the tenant's newest messages, this many: when they hold a
 * page of hits, that page is exact (every newer message was looked at), at a bounded cost. Otherwise
 * the search reads the scope. A common word in a user's many chats then costs milliseconds instead
 * of reading them all.
 */
export const RECENT_WINDOW = 5_000;

// `ts_headline` over the whole text marks every matching word; markers in the text itself become spaces
// (one UTF-16 unit for one), so the offsets computed from the marked text are offsets into the text.
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`;
const MARKERS = MATCH_START + MATCH_END;
const TSQUERY = `websearch_to_tsquery('simple', $2)`;

@Injectable()
export class SearchRepository {
  constructor(private readonly db: Database) {}

  /** The chats the user belongs to, and an upper bound of the messages in them (seqs have gaps). */
  async userScope(tenantId: TenantId, userId: string): Promise<{ chatIds: string[]; size: number }> {
    const rows = await this.db.query<{ chatId: string; lastSeq: number }>(
      `SELECT c.id AS "chatId", c.last_seq AS "lastSeq"
         FROM chat_members cm JOIN chats c ON c.tenant_id = cm.tenant_id AND c.id = cm.chat_id
        WHERE cm.tenant_id = $1 AND cm.user_id = $2`,
      [tenantId, userId],
    );
    return { chatIds: rows.map((r) => r.chatId), size: rows.reduce((sum, r) => sum + Number(r.lastSeq), 0) };
  }

  /** An upper bound of the messages in one chat. */
  async chatSize(tenantId: TenantId, chatId: string): Promise<number> {
    const [row] = await this.db.query<{ lastSeq: number }>(
      `SELECT last_seq AS "lastSeq" FROM chats WHERE tenant_id = $1 AND id = $2`,
      [tenantId, chatId],
    );
    return Number(row?.lastSeq ?? 0);
  }

  /**
   * Live messages matching the web-search query, newest first, each with its text marked by
   * `ts_headline`. Deleted messages (erased users' included) are never candidates: the index and every
   * plan require `deleted_at IS NULL`, and their text is gone.
   */
  async search(tenantId: TenantId, page: SearchPageQuery): Promise<FoundRow[]> {
    if (page.chatIds === null) {
      // The whole tenant: for a common word the planner walks the primary key backwards and stops at
      // `limit` hits; for a rare one it takes the GIN index and sorts the few hits.
      return this.marked(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m
          WHERE m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search_vector @@ ${TSQUERY}
            AND ($3::uuid IS NULL OR m.id < $3)
          ORDER BY m.id DESC LIMIT $4`,
        tenantId,
        page,
      );
    }
    const small = page.scopeSize !== null && page.scopeSize <= SMALL_SCOPE;
    if (!small) {
      const recent = await this.marked(
        `SELECT ${MESSAGE_COLUMNS} FROM (
            SELECT * FROM messages m WHERE m.tenant_id = $1 AND ($3::uuid IS NULL OR m.id < $3)
             ORDER BY m.id DESC LIMIT ${RECENT_WINDOW}) m
          WHERE m.chat_id = ANY($7::uuid[]) AND m.deleted_at IS NULL
            AND ts_match_vq(m.search_vector, (SELECT ${TSQUERY}))
          ORDER BY m.id DESC LIMIT $4`,
        tenantId,
        page,
      );
      if (recent.length >= page.limit) return recent;
    }
    // ts_match_vq is the function behind @@: the same test, but no index answers it, so the plan reads
    // the chats' messages (by the history index) and tests each one.
    const matches = small
      ? `ts_match_vq(m.search_vector, (SELECT ${TSQUERY}))`
      : `m.search_vector @@ ${TSQUERY}`;
    // OFFSET 0 keeps the LIMIT out of the inner plan. Without it the planner may walk the tenant's
    // newest messages by primary key, expecting to meet enough of these chats' hits soon; for a rare
    // word, or chats that are quiet, that reads the whole tenant (measured: 300 ms per million
    // messages). With it, the cost is bounded by the messages of these chats.
    return this.marked(
      `SELECT * FROM (
          SELECT ${MESSAGE_COLUMNS} FROM messages m
           WHERE m.tenant_id = $1 AND m.chat_id = ANY($7::uuid[]) AND m.deleted_at IS NULL AND ${matches}
             AND ($3::uuid IS NULL OR m.id < $3)
          OFFSET 0) m
        ORDER BY m.id DESC LIMIT $4`,
      tenantId,
      page,
    );
  }

  /** Runs a candidates query ($1 tenant, $2 query, $3 before, $4 limit, $7 chats) and marks the matches. */
  private marked(candidates: string, tenantId: TenantId, page: SearchPageQuery): Promise<FoundRow[]> {
    const params: unknown[] = [tenantId, page.query, page.before, page.limit, MARKERS, HEADLINE_OPTIONS];
    if (page.chatIds !== null) params.push(page.chatIds);
    return this.db.query<FoundRow>(
      `SELECT page.*, ts_headline('simple', translate(page.text, $5, '  '), ${TSQUERY}, $6) AS marked
         FROM (${candidates}) page
        ORDER BY page.id DESC`,
      params,
    );
  }

  /** These messages as they are now, in any state; ids that do not exist are left out. */
  async messages(tenantId: TenantId, ids: string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    return this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.id = ANY($2::uuid[])`,
      [tenantId, ids],
    );
  }

  /** Live messages with text, by id, after `afterId`: what a rebuilt index holds. */
  async livePage(tenantId: TenantId, afterId: string | null, limit: number): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.tenant_id = $1 AND m.deleted_at IS NULL AND m.text IS NOT NULL
          AND ($2::uuid IS NULL OR m.id > $2)
        ORDER BY m.id LIMIT $3`,
      [tenantId, afterId, limit],
    );
  }

  /** Messages created, edited or deleted at or after `since`, by id, after `afterId`. */
  async changedPage(
    tenantId: TenantId,
    since: Date,
    afterId: string | null,
    limit: number,
  ): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m
        WHERE m.tenant_id = $1 AND ($2::uuid IS NULL OR m.id > $2)
          AND (m.created_at >= $3 OR m.edited_at >= $3 OR m.deleted_at >= $3)
        ORDER BY m.id LIMIT $4`,
      [tenantId, afterId, since, limit],
    );
  }
}
