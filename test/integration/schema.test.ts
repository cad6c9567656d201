import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { openDatabase, pendingMigrations } from '@parley/db';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('database schema', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 2 });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('applies every migration on start', async () => {
    expect(await pendingMigrations(dataSource)).toEqual([]);
  });

  it('matches the entities exactly: a migration was generated for every entity change', async () => {
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('applies migrations once when several nodes start together', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => openDatabase({ url: database.url, poolSize: 1 })));
    await Promise.all(nodes.map((node) => node.destroy()));
    const applied = await dataSource.query('SELECT name FROM migrations');
    expect(applied).toHaveLength(dataSource.migrations.length);
  });

  it('serves history and catch-up from their indexes', async () => {
    const plan = async (sql: string) =>
      ((await dataSource.query(`EXPLAIN ${sql}`)) as { 'QUERY PLAN': string }[])
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    await dataSource.query('SET enable_seqscan = off');
    const tenant = '00000000-0000-7000-8000-000000000001';
    const chat = '00000000-0000-7000-8000-000000000002';
    expect(
      await plan(
        `SELECT * FROM messages WHERE tenant_id = '${tenant}' AND chat_id = '${chat}' AND seq < 100 ORDER BY seq DESC LIMIT 50`,
      ),
    ).toContain('messages_chat_seq_uq');
    expect(
      await plan(
        `SELECT * FROM messages WHERE tenant_id = '${tenant}' AND chat_id = '${chat}' AND version > 10 ORDER BY version LIMIT 50`,
      ),
    ).toContain('messages_chat_version_uq');
    expect(
      await plan(
        `SELECT count(*) FROM messages WHERE tenant_id = '${tenant}' AND chat_id = '${chat}' AND seq > 5 AND deleted_at IS NULL AND sender_id IS DISTINCT FROM 'u'`,
      ),
    ).toContain('messages_live_seq_idx');
  });
});
