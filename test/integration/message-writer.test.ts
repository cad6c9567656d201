import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Database, openDatabase, trustTenantId } from '@parley/db';
import { MessageWriter } from '../../libs/messages/src/message-writer.js';
import { SearchPendingList } from '../../libs/messages/src/search-pending-list.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { textDraft } from '../support/text-draft.js';

const TENANT = trustTenantId('00000000-0000-7000-8000-0000000000cc');
const CHAT = '01900000-0000-7000-8000-0000000000c1';
const BUSY_CHAT = '01900000-0000-7000-8000-0000000000c2';

/** The batch write statement on real Postgres, where other transactions act while it runs. */
describe('message writer', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let other: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url, poolSize: 2 });
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
    await other.query(`INSERT INTO tenants (id, name, publishable_key) VALUES ($1, 't', 'pk_writer')`, [
      TENANT,
    ]);
    await other.query(`INSERT INTO users (tenant_id, id, name) VALUES ($1, 'ada', 'Ada')`, [TENANT]);
    // Nothing but the writer may merge the pending list here.
    await other.query('ALTER TABLE messages SET (autovacuum_enabled = false)');
    await other.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
  });

  const writerOf = (): MessageWriter => {
    const db = new Database(dataSource);
    return new MessageWriter(db, new SearchPendingList(db));
  };
  afterAll(async () => {
    await other?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('refuses, as a chat that is not there, a send into a chat deleted while the send waited for it', async () => {
    await chatOfAda(CHAT);
    // Another transaction holds the chat, so the send finds the member seat and then waits for the lock.
    await other.query('BEGIN');
    await other.query('SELECT 1 FROM chats WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [TENANT, CHAT]);
    const writer = writerOf();
    const sent = writer.send(TENANT, CHAT, 'ada', textDraft('racing-delete', 'hello?'));
    await expect.poll(() => waitingForLocks(), { timeout: 5_000 }).toBe(1);
    await other.query('DELETE FROM chats WHERE tenant_id = $1 AND id = $2', [TENANT, CHAT]);
    await other.query('COMMIT');

    expect(await sent).toEqual({ kind: 'refused', access: null });
    const { rows } = await other.query('SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1', [
      TENANT,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('has the search index’s pending list merged every thousand messages, off the send path', async () => {
    await chatOfAda(BUSY_CHAT);
    const writer = writerOf();
    const send = (n: number) => writer.send(TENANT, BUSY_CHAT, 'ada', textDraft(`busy-${n}`, `word${n}`));
    for (let n = 0; n < 999; n += 111) await Promise.all(Array.from({ length: 111 }, (_, i) => send(n + i)));
    expect(await pendingTuples()).toBe(999);

    expect((await send(999)).kind).toBe('created');
    await expect.poll(() => pendingTuples(), { timeout: 5_000 }).toBe(0);
    const { rows } = await other.query(
      `SELECT count(*)::int AS n FROM messages WHERE search_vector @@ to_tsquery('simple', 'word998')`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('stops asking for merges, after one warning, when the database user does not own the index', async () => {
    const role = `parley_not_owner_${randomUUID().slice(0, 8)}`;
    await other.query(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(database.url);
    url.username = role;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const statements: string[] = [];
      // A real connection as that user, behind the one method SearchPendingList uses.
      const asNotOwner = {
        query: async (sql: string) => {
          statements.push(sql);
          return (await pool.query(sql)).rows;
        },
      } as unknown as Database;
      const pendingList = new SearchPendingList(asNotOwner);
      const warnings = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      pendingList.noteStored(1_000);
      await expect.poll(() => warnings.mock.calls.length).toBe(1);
      pendingList.noteStored(5_000);
      expect(statements).toHaveLength(1);
      await pendingList.onModuleDestroy();
      expect(warnings.mock.calls.map(([message]) => message)).toEqual([
        expect.stringContaining('does not own messages_search_idx'),
      ]);
      warnings.mockRestore();
    } finally {
      await pool.end();
      await other.query(`DROP ROLE ${role}`);
    }
  });

  it('starts no merge once the node is stopping', async () => {
    const db = new Database(dataSource);
    const statements: string[] = [];
    const recording = {
      query: (sql: string) => {
        statements.push(sql);
        return db.query(sql);
      },
    } as unknown as Database;
    const pendingList = new SearchPendingList(recording);
    pendingList.noteStored(1_000);
    await pendingList.onModuleDestroy();
    expect(statements).toHaveLength(1);
    pendingList.noteStored(1_000);
    expect(statements).toHaveLength(1);
  });

  /** A group whose one member is Ada. */
  async function chatOfAda(chatId: string): Promise<void> {
    await other.query(`INSERT INTO chats (tenant_id, id, kind, member_count) VALUES ($1, $2, 'group', 1)`, [
      TENANT,
      chatId,
    ]);
    await other.query(
      `INSERT INTO chat_members (tenant_id, chat_id, user_id, role) VALUES ($1, $2, 'ada', 'member')`,
      [TENANT, chatId],
    );
  }

  async function pendingTuples(): Promise<number> {
    const { rows } = await other.query(`SELECT pending_tuples FROM pgstatginindex('messages_search_idx')`);
    return Number(rows[0].pending_tuples);
  }

  async function waitingForLocks(): Promise<number> {
    const { rows } = await other.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0].n as number;
  }
});
