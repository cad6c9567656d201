import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { openDatabase, trustTenantId, type Database } from '@parley/db';
import { MessageWriter } from '../../libs/messages/src/message-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const TENANT = trustTenantId('00000000-0000-7000-8000-0000000000bb');
const CHATS = 20;
/** Messages each chat gains after the writer's first batch, with no ANALYZE to tell the planner. */
const PER_CHAT = 200;
const BATCH = 40;
const uuidOf = (prefix: string, n: number): string =>
  `${prefix}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const chatId = (c: number): string => uuidOf('01900000', c);
const userId = (u: number): string => uuidOf('01920000', u);

/**
 * The plan of the batch write statement, on real Postgres, as a table grows without ANALYZE (as on a
 * machine with autovacuum off). A prepared statement kept the plan made while `messages` was small:
 * resends looked up by the chat's seq index (every message of the tenant) or by a sequential scan,
 * and a batch of 150 went from 25 to 50 ms over the first 45k messages. The writer must plan each run,
 * and the plan for a grown table must look each resend up by its unique index.
 */
describe('message write plan', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;
  let statement: { sql: string; params: unknown[] } | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 1 });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`INSERT INTO tenants (id, name, publishable_key) VALUES ($1, 't', 'pk_write_plan')`, [
      TENANT,
    ]);
    await client.query(
      `INSERT INTO users (tenant_id, id, name) SELECT $1, ('01920000-0000-7000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'u'
         FROM generate_series(0, $2 - 1) u`,
      [TENANT, CHATS],
    );
    await client.query(
      `INSERT INTO chats (tenant_id, id, kind, last_seq, version, member_count)
       SELECT $1, ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, 'group', $3, $3, 1
         FROM generate_series(0, $2 - 1) c`,
      [TENANT, CHATS, PER_CHAT],
    );
    await client.query(
      `INSERT INTO chat_members (tenant_id, chat_id, user_id, role)
       SELECT $1, ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
              ('01920000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, 'member'
         FROM generate_series(0, $2 - 1) c`,
      [TENANT, CHATS],
    );
    // The writer's own statement and parameters, for a batch of sends spread over the chats (the last).
    // Only `query`: a writer that prepared its statement would fail here.
    const capturing = {
      query: async (sql: string, params: unknown[]) => {
        statement = { sql, params };
        return (await client.query(sql, params)).rows;
      },
    };
    const writer = new MessageWriter(capturing as unknown as Database);
    await Promise.all(
      Array.from({ length: BATCH }, (_, i) =>
        writer.send(TENANT, chatId(i % CHATS), userId(i % CHATS), {
          id: randomUUID(),
          clientId: `new-${i}`,
          kind: 'text',
          text: 'hi',
          attachments: [],
          replyTo: null,
        }),
      ),
    );
    await client.query(
      `INSERT INTO messages (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text)
       SELECT $1, ('01910000-0000-7000-8000-' || lpad(to_hex(c * $3 + s), 12, '0'))::uuid,
              ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, s, s,
              ('01920000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, 'old-' || (c * $3 + s), 'text', 'hello'
         FROM generate_series(0, $2 - 1) c CROSS JOIN generate_series(1, $3) s`,
      [TENANT, CHATS, PER_CHAT],
    );
  });
  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('looks each resend up by its unique index once the table has grown', async () => {
    // The first send goes alone; the others gather behind it into one batch.
    expect((statement!.params[0] as unknown[]).length).toBe(BATCH - 1);
    const explained = await client.query(`EXPLAIN ${statement!.sql}`, statement!.params);
    const plan = explained.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');

    expect(plan).not.toMatch(/Seq Scan on messages\b/);
    expect(plan).toContain('Index Scan using messages_client_id_uq');
  });
});
