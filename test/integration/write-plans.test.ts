import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { Database, openDatabase, trustTenantId } from '@parley/db';
import { MessageWriter, writePlanGeneration } from '../../libs/messages/src/message-writer.js';
import { SearchPendingList } from '../../libs/messages/src/search-pending-list.js';
import { ChatsRepository } from '../../libs/chats/src/chats.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { textDraft } from '../support/text-draft.js';

const TENANT = trustTenantId('00000000-0000-7000-8000-0000000000bb');
const CHATS = 20;
/** Enough for the writer to pass its first doubling (1,024 messages) from an empty table. */
const MESSAGES = 1080;
const BATCH = 40;
const uuidOf = (prefix: string, n: number): string =>
  `${prefix}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const chatId = (c: number): string => uuidOf('01900000', c);
const userId = (u: number): string => uuidOf('01920000', u);
const arrayLiteral = (items: (string | null)[]): string =>
  `{${items.map((v) => (v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;

describe('writePlanGeneration', () => {
  it('changes only when the messages stored double, from 1,024 on', () => {
    expect([0, 1, 1023].map(writePlanGeneration)).toEqual([0, 0, 0]);
    expect([1024, 2047, 2048, 4095, 4096].map(writePlanGeneration)).toEqual([1, 1, 2, 2, 3]);
    expect(writePlanGeneration(1_000_000_000)).toBe(20);
  });
});

/**
 * The plan of the batch write statement, on real Postgres, as the messages table grows from empty
 * without ANALYZE (as on a machine with autovacuum off). The statement is prepared, and a connection
 * keeps the generic plan it made; one made on a table of a page may look resends up by any index.
 * The writer prepares it under a new name once it has stored 1,024 messages, and the generic plan made
 * then must look each resend up by its unique index.
 */
describe('message write plan', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;
  const statements: { name: string; sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 1 });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await seedChats(client, 'pk_write_plan', { chats: CHATS, kind: 'group', membersEach: 1 });
    // The writer's own statements, by name, on one connection.
    const capturing = {
      prepared: async (name: string, sql: string, params: unknown[]) => {
        statements.push({ name, sql, params });
        return (await client.query({ name, text: sql, values: params })).rows;
      },
    };
    const writer = new MessageWriter(
      capturing as unknown as Database,
      new SearchPendingList(new Database(dataSource)),
    );
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      await Promise.all(
        Array.from({ length: BATCH }, (_, i) =>
          writer.send(TENANT, chatId(i % CHATS), userId(i % CHATS), textDraft(`new-${sent + i}`)),
        ),
      );
    }
  });
  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('prepares the statement anew once the writer has stored 1,024 messages', () => {
    const names = [...new Set(statements.map((s) => s.name))];
    expect(names).toEqual(['message-write-batch-0', 'message-write-batch-1']);
  });

  it('makes a generic plan then that looks each resend up by its unique index', async () => {
    const plan = await genericPlan(
      client,
      statements.find((s) => s.name === 'message-write-batch-1')!,
    );

    expect(plan).not.toMatch(/Seq Scan on messages\b/);
    expect(plan).toContain('Index Scan using messages_client_id_uq');
  });
});

/**
 * With the tables analyzed, a generic plan that joined its keys to `chats` and `chat_members` hashed
 * all of both, for every run, until they held a few thousand rows: a one-message write batch took
 * 0.6 ms of Postgres CPU in a database of 1,000 chats against 0.45 ms looking its two rows up, and a
 * one-key access check 147-187 µs against 40-43 µs.
 */
describe('write batch and access check plans, tables analyzed', () => {
  const ANALYZED_CHATS = 1000;
  let database: TestDatabase;
  let dataSource: DataSource;
  let client: pg.Client;
  let writePlan: string;
  let accessPlan: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 1 });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await seedChats(client, 'pk_analyzed', { chats: ANALYZED_CHATS, kind: 'direct', membersEach: 2 });
    await client.query('ANALYZE');
    let statement: CapturedStatement | undefined;
    const capturing = {
      prepared: async (name: string, sql: string, params: unknown[]) => {
        statement = { sql, params };
        return (await client.query({ name, text: sql, values: params })).rows;
      },
    } as unknown as Database;
    const writer = new MessageWriter(capturing, new SearchPendingList(new Database(dataSource)));
    const sent = await writer.send(TENANT, chatId(7), userId(14), textDraft('analyzed-1'));
    expect(sent.kind).toBe('created');
    writePlan = await genericPlan(client, statement!);
    const access = await new ChatsRepository(capturing).accessRow(TENANT, chatId(7), userId(14));
    expect(access).toEqual({ kind: 'direct', role: 'member' });
    accessPlan = await genericPlan(client, statement!);
  });
  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it("looks each send's chat and seat up by key, never reading either table whole", () => {
    expect(writePlan).not.toMatch(/Seq Scan on chats\b/);
    expect(writePlan).not.toMatch(/Seq Scan on chat_members\b/);
  });

  it("looks each access check's chat and seat up by key, never reading either table whole", () => {
    expect(accessPlan).not.toMatch(/Seq Scan on chats\b/);
    expect(accessPlan).not.toMatch(/Seq Scan on chat_members\b/);
  });
});

/**
 * A tenant with chats `chatId(0…chats-1)`; chat c's members are `userId(c * membersEach + 0…)`, one
 * user per seat.
 */
async function seedChats(
  client: { query(sql: string, params: unknown[]): Promise<unknown> },
  publishableKey: string,
  { chats, kind, membersEach }: { chats: number; kind: 'direct' | 'group'; membersEach: number },
): Promise<void> {
  await client.query(`INSERT INTO tenants (id, name, publishable_key) VALUES ($1, 't', $2)`, [
    TENANT,
    publishableKey,
  ]);
  await client.query(
    `INSERT INTO users (tenant_id, id, name) SELECT $1, ('01920000-0000-7000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'u'
       FROM generate_series(0, $2 - 1) u`,
    [TENANT, chats * membersEach],
  );
  await client.query(
    `INSERT INTO chats (tenant_id, id, kind, member_count)
     SELECT $1, ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid, $3, $4
       FROM generate_series(0, $2 - 1) c`,
    [TENANT, chats, kind, membersEach],
  );
  await client.query(
    `INSERT INTO chat_members (tenant_id, chat_id, user_id, role)
     SELECT $1, ('01900000-0000-7000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
            ('01920000-0000-7000-8000-' || lpad(to_hex(c * $3 + seat), 12, '0'))::uuid, 'member'
       FROM generate_series(0, $2 - 1) c, generate_series(0, $3 - 1) seat`,
    [TENANT, chats, membersEach],
  );
}

interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/** The plan Postgres keeps for a statement once it stops planning for the values it is given. */
async function genericPlan(client: pg.Client, { sql, params }: CapturedStatement): Promise<string> {
  await client.query('DEALLOCATE ALL');
  await client.query(`PREPARE explained AS ${sql}`);
  await client.query('SET plan_cache_mode = force_generic_plan');
  // EXECUTE takes its arguments as literals: each parameter is an array of strings (or nulls).
  const literals = params.map((param) => client.escapeLiteral(arrayLiteral(param as (string | null)[])));
  const explained = await client.query(`EXPLAIN EXECUTE explained(${literals.join(', ')})`);
  await client.query('RESET plan_cache_mode');
  return explained.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
}

describe('pooled connections', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 1, connectionLifetimeSeconds: 1 });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('are replaced after their lifetime, and prepare their statements (and plans) anew', async () => {
    const db = new Database(dataSource);
    const backend = async (): Promise<number> =>
      (await db.prepared<{ pid: number }>('backend-pid', 'SELECT pg_backend_pid() AS pid', []))[0]!.pid;
    const first = await backend();
    expect(await backend()).toBe(first);

    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const [plans] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements');

    expect(await backend()).not.toBe(first);
    expect(plans!.n).toBe(0);
  });
});

/**
 * Postgres plans a prepared statement once only while its plan does not depend on the parameters'
 * values; the batch statements read their arrays where the planner does not look (Database.prepared).
 */
describe('batch statements run one at a time', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: the statements and the query of its prepared statements share it.
    dataSource = await openDatabase({ url: database.url, poolSize: 1 });
    await seedChats(new Database(dataSource), 'pk_one_plan', { chats: 1, kind: 'group', membersEach: 1 });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keep the plan they made, not one per run', async () => {
    const db = new Database(dataSource);
    const writer = new MessageWriter(db, new SearchPendingList(db));
    const chats = new ChatsRepository(db);
    for (let n = 0; n < 20; n += 1) {
      const sent = await writer.send(TENANT, chatId(0), userId(0), textDraft(`alone-${n}`));
      expect(sent.kind).toBe('created');
      expect(await chats.accessRow(TENANT, chatId(0), userId(0))).toEqual({ kind: 'group', role: 'member' });
    }

    const plans = await db.query<{ name: string; generic: number; custom: number }>(
      `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom
         FROM pg_prepared_statements ORDER BY name`,
    );
    // Postgres makes five plans for the first runs' values before it settles on one.
    expect(plans).toEqual([
      { name: 'chat-access-rows', generic: 15, custom: 5 },
      { name: 'message-write-batch-0', generic: 15, custom: 5 },
    ]);
  });
});
