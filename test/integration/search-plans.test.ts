import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { openDatabase, trustTenantId, type Queryable } from '@parley/db';
import { RECENT_WINDOW, SMALL_SCOPE, SearchRepository } from '../../libs/search/src/search.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const TENANT = trustTenantId('00000000-0000-7000-8000-0000000000aa');
const CHATS = 40;
const PER_CHAT = 250;
const chatId = (c: number): string => `01900000-0000-7000-8000-${c.toString(16).padStart(12, '0')}`;

/**
 * The plans of the search queries, on real Postgres. The scoped queries must never walk the tenant's
 * messages by primary key hoping to meet the chats' hits early: for a rare word or quiet chats that
 * reads every message of the tenant (it did, at 300 ms per million, before the OFFSET 0 fence).
 * `enable_sort = off` makes that walk the planner's favourite, so only the fence can keep it out.
 */
describe('search query plans', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;
  const plans: string[] = [];

  const explaining: Queryable = {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const explained = await client.query(`EXPLAIN ${sql}`, params);
      plans.push(explained.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n'));
      return (await client.query(sql, params)).rows as Row[];
    },
  };
  const planOf = async (chatIds: string[] | null, scopeSize: number | null, query: string) => {
    const repository = new SearchRepository(explaining as never);
    const rows = await repository.search(TENANT, { query, chatIds, scopeSize, before: null, limit: 21 });
    return { plan: plans.at(-1)!, rows };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 1 });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`INSERT INTO tenants (id, name, publishable_key) VALUES ($1, 't', 'pk_plan')`, [
      TENANT,
    ]);
    await client.query(
      `INSERT INTO chats (tenant_id, id, kind, last_seq, version)
       SELECT $1, ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, 'group', $3, $3
         FROM generate_series(0, $2 - 1) c`,
      [TENANT, CHATS, PER_CHAT],
    );
    await client.query(
      `INSERT INTO messages (tenant_id, id, chat_id, seq, version, kind, text)
       SELECT $1, ('01910000-0000-7000-8000-' || lpad(to_hex(c * $3 + s), 12, '0'))::uuid,
              ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, s, s, 'text',
              'common words ' || CASE WHEN s % 97 = 0 THEN 'rare' ELSE 'plain' END || ' ' || s
                || CASE WHEN c = 0 AND s < 5 THEN ' ancient' ELSE '' END
         FROM generate_series(0, $2 - 1) c CROSS JOIN generate_series(1, $3) s`,
      [TENANT, CHATS, PER_CHAT],
    );
    await client.query('VACUUM ANALYZE messages');
    await client.query('SET enable_sort = off');
  });
  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it("reads a small scope's chats by the history index and tests each message", async () => {
    const { plan, rows } = await planOf([chatId(3), chatId(17)], 2 * PER_CHAT, 'rare');
    expect(2 * PER_CHAT).toBeLessThanOrEqual(SMALL_SCOPE);
    expect(plan).toContain('messages_chat_seq_uq');
    expect(plan).toContain('ts_match_vq');
    expect(plan).not.toMatch(/Index Scan Backward using "?PK_/);
    expect(rows.length).toBe(4);
    expect(rows.map((r) => r.chatId).every((c) => c === chatId(3) || c === chatId(17))).toBe(true);
  });

  it('looks at a large scope among the newest messages first, then by its chats', async () => {
    const all = Array.from({ length: CHATS - 1 }, (_, c) => chatId(c));
    const exact = async (query: string) => (await planOf(all, 0, query)).rows.map((r) => r.id);
    expect(CHATS * PER_CHAT).toBeGreaterThan(RECENT_WINDOW);

    // A common word: a page among the newest messages, found by a walk of at most RECENT_WINDOW.
    const common = await planOf(all, SMALL_SCOPE + 1, 'common');
    expect(common.plan).toMatch(/Limit[^\n]*\n.*Index Scan Backward using "?PK_/);
    expect(common.plan).toContain(`rows=${RECENT_WINDOW}`);
    expect(common.rows.map((r) => r.id)).toEqual(await exact('common'));

    // Only in the oldest chat: not among the newest, so the scope is read, never the whole tenant.
    const old = await planOf(all, SMALL_SCOPE + 1, 'ancient');
    expect(old.plan).not.toMatch(/Index Scan Backward using "?PK_/);
    expect(old.plan).toMatch(/messages_search_idx|messages_chat_seq_uq/);
    expect(old.rows.map((r) => r.id)).toEqual(await exact('ancient'));
    expect(old.rows).toHaveLength(4);
  });

  it('lets a tenant-wide search use the text index or stop early on the primary key', async () => {
    const { plan, rows } = await planOf(null, null, 'common');
    expect(plan).toMatch(/messages_search_idx|Index Scan Backward using "?PK_/);
    expect(rows[0]!.id > rows[20]!.id).toBe(true);
  });
});
