import pg from 'pg';
import { explainReadPath } from '../lib/explain.js';
import { createClient } from '../lib/http.js';
import { runLoad } from '../lib/load.js';
import { QUICK, range, round1, userId } from '../lib/options.js';
import { startServer } from '../lib/server.js';
import { createTenant } from '../lib/tenant.js';

const CHATS = QUICK ? 1_000 : 10_000;
const PER_CHAT = 100;
const USERS = 1_000;
/** The seed's shape, for scenarios that reuse it (search). */
export const SEED = { chats: CHATS, perChat: PER_CHAT, users: USERS };
const CHATS_PER_BATCH = 1_000;
const PAGE = 50;
const CONCURRENCIES = [1, 8];
const WARMUP = { maxRequests: QUICK ? 100 : 300, maxMs: 3_000 };
const MEASURE = {
  1: { maxRequests: QUICK ? 500 : 5_000, maxMs: QUICK ? 2_000 : 10_000 },
  8: { maxRequests: QUICK ? 1_000 : 20_000, maxMs: QUICK ? 2_000 : 10_000 },
};

// Seeded ids look like the server's uuid7s and ascend in insertion order, as uuid7s do.
const CHAT_ID_PREFIX = '01900000-0000-7000-8000-';
const MESSAGE_ID_PREFIX = '01910000-0000-7000-8000-';
export const chatId = (i) => CHAT_ID_PREFIX + i.toString(16).padStart(12, '0');
const chatIdSql = (expr) => `('${CHAT_ID_PREFIX}' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const messageIdSql = (expr) => `('${MESSAGE_ID_PREFIX}' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const userIdSql = (expr) => `'u' || lpad((${expr})::text, 4, '0')`;
/** Chat i belongs to user i mod USERS (owner) and user i+1 mod USERS (member): 20 chats per user. */
const ownerSql = (c) => userIdSql(`${c} % ${USERS}`);
const memberSql = (c) => userIdSql(`(${c} + 1) % ${USERS}`);

/**
 * Read latency over 1,000,000 stored messages (10,000 chats × 100): the newest history page, an older
 * page (`before`), catch-up (`changes?since=`) and the chat list, each sequentially and 8 at a time,
 * as the chat's owner with a user token. The tenant comes from the API; users, chats, members and
 * messages are inserted in SQL, consistent with what the API would have written.
 */
export async function historyScenario({ name }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: Math.max(...CONCURRENCIES) });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const tenant = await createTenant(client, server, `bench ${name}`);
    const seed = await seedDatabase(db, tenant.id);
    const plans = await explainReadPath(db, {
      tenantId: tenant.id,
      chatId: chatId(1234 % CHATS),
      userId: userId(1234 % USERS),
      otherChatIds: range(CHATS / USERS).map((k) => chatId((1234 % USERS) + k * USERS)),
    });
    const headers = (await tenant.mintTokens(range(USERS).map(userId))).map(tenant.userHeaders);
    const results = [{ scenario: `${name}:seed`, ...seed, plans }];

    const random = mulberry32(42);
    const pick = () => Math.floor(random() * CHATS);
    const pageOf = (size) => (res) => JSON.parse(res.text).data.length === size;
    const endpoints = [
      {
        endpoint: 'history-newest',
        path: `/v1/chats/:id/messages?limit=${PAGE}`,
        request: (c) => `/v1/chats/${chatId(c)}/messages?limit=${PAGE}`,
        check: pageOf(PAGE),
      },
      {
        endpoint: 'history-before',
        path: `/v1/chats/:id/messages?limit=${PAGE}&before=<51..100>`,
        request: (c) =>
          `/v1/chats/${chatId(c)}/messages?limit=${PAGE}&before=${PAGE + 1 + Math.floor(random() * PAGE)}`,
        check: pageOf(PAGE),
      },
      {
        endpoint: 'changes',
        path: `/v1/chats/:id/changes?since=${PER_CHAT - PAGE}`,
        request: (c) => `/v1/chats/${chatId(c)}/changes?since=${PER_CHAT - PAGE}`,
        check: pageOf(PAGE),
      },
      {
        endpoint: 'chat-list',
        path: '/v1/chats?limit=30',
        request: () => '/v1/chats?limit=30',
        check: pageOf((CHATS / USERS) * 2),
      },
    ];

    for (const { endpoint, path, request, check } of endpoints) {
      for (const concurrency of CONCURRENCIES) {
        // Chat c is read by its owner, user c mod USERS; the chat list by a random user.
        const send = () => {
          const c = pick();
          return client.request('GET', request(c), { headers: headers[c % USERS] });
        };
        await runLoad({ concurrency, ...WARMUP, send, check });
        const monitor = await server.monitor();
        const run = await runLoad({ concurrency, ...MEASURE[concurrency], send, check });
        const usage = await monitor.finish();
        results.push({
          scenario: name,
          endpoint,
          path,
          concurrency,
          storedMessages: seed.messages,
          requests: run.requests,
          ok: run.ok,
          errors: run.errors,
          ...(run.lastFailure ? { firstError: run.lastFailure } : {}),
          unexpectedBodies: run.unexpected,
          durationS: round1(run.durationMs / 1000),
          reqPerSec: Math.round(run.perSecond),
          latencyMs: run.latencyMs,
          ...usage,
          redis: server.redis,
          dbPoolSize: server.poolSize,
        });
      }
    }
    return results;
  } finally {
    client.close();
    await db.end().catch(() => undefined);
    await server.stop();
  }
}

const sameSentence = (c, s) =>
  `'Message ' || ${s} || ' in chat ' || ${c} || ': the quick brown fox jumps over the lazy dog.'`;

/**
 * Users, chats, members and messages in SQL; each chat's version and last_seq match its messages.
 * `messageText(c, s)` is the SQL of the text of message `s` of chat `c` (both SQL expressions).
 */
export async function seedDatabase(db, tenantId, { messageText = sameSentence } = {}) {
  const seconds = {};
  const timed = async (phase, work) => {
    const start = performance.now();
    await work();
    seconds[phase] = round1((performance.now() - start) / 1000);
  };
  const total = performance.now();
  // Message n of chat c (seq s) was sent at base + ((s - 1) * CHATS + c) seconds: chats interleave in time.
  const base = `now() - interval '${Math.ceil((CHATS * PER_CHAT) / 86_400) + 1} days'`;
  const sentAt = (c, s) => `${base} + ((${s} - 1) * ${CHATS} + ${c}) * interval '1 second'`;

  await timed('users', () =>
    db.query(
      `INSERT INTO users (tenant_id, id, name, created_at, updated_at)
       SELECT $1::uuid, ${userIdSql('g')}, 'User ' || g, ${base}, ${base} FROM generate_series(0, ${USERS - 1}) g`,
      [tenantId],
    ),
  );
  await timed('chats', () =>
    db.query(
      `INSERT INTO chats (tenant_id, id, kind, title, version, last_seq, member_count, created_at,
                          last_message_at, last_activity_at)
       SELECT $1::uuid, ${chatIdSql('c')}, 'group', 'Chat ' || c, ${PER_CHAT}, ${PER_CHAT}, 2, ${base},
              ${sentAt('c', PER_CHAT)}, ${sentAt('c', PER_CHAT)}
         FROM generate_series(0, ${CHATS - 1}) c`,
      [tenantId],
    ),
  );
  await timed('members', () =>
    db.query(
      `INSERT INTO chat_members (tenant_id, chat_id, user_id, role, joined_at, delivered_seq, read_seq)
       SELECT $1::uuid, ${chatIdSql('c')}, ${ownerSql('c')}, 'owner', ${base}, ${PER_CHAT}, ${PER_CHAT}
         FROM generate_series(0, ${CHATS - 1}) c
       UNION ALL
       SELECT $1::uuid, ${chatIdSql('c')}, ${memberSql('c')}, 'member', ${base}, ${PER_CHAT}, ${PER_CHAT - 40}
         FROM generate_series(0, ${CHATS - 1}) c`,
      [tenantId],
    ),
  );
  await timed('messages', async () => {
    for (let first = 0; first < CHATS; first += CHATS_PER_BATCH) {
      const last = Math.min(CHATS, first + CHATS_PER_BATCH) - 1;
      await db.query(
        `INSERT INTO messages (tenant_id, id, chat_id, seq, version, sender_id, client_id, kind, text, created_at)
         SELECT $1::uuid, ${messageIdSql(`c * ${PER_CHAT} + s`)}, ${chatIdSql('c')}, s, s,
                CASE WHEN s % 2 = 1 THEN ${ownerSql('c')} ELSE ${memberSql('c')} END,
                'seed-' || c || '-' || s, 'text',
                ${messageText('c', 's')},
                ${sentAt('c', 's')}
           FROM generate_series($2::int, $3::int) c CROSS JOIN generate_series(1, ${PER_CHAT}) s
          ORDER BY c, s`,
        [tenantId, first, last],
      );
    }
  });
  // VACUUM as well as ANALYZE: hint bits and the visibility map set, as on a database that has lived.
  await timed('vacuumAnalyze', () => db.query('VACUUM (ANALYZE) users, chats, chat_members, messages'));
  const [size] = (
    await db.query(
      `SELECT pg_table_size('messages') AS table_bytes, pg_indexes_size('messages') AS index_bytes,
              (SELECT count(*) FROM messages)::int AS messages`,
    )
  ).rows;
  return {
    messages: size.messages,
    chats: CHATS,
    users: USERS,
    seedS: { ...seconds, total: round1((performance.now() - total) / 1000) },
    messagesTableMB: Math.round(size.table_bytes / 2 ** 20),
    messagesIndexesMB: Math.round(size.index_bytes / 2 ** 20),
  };
}

/** A small seeded PRNG, so that every run reads the same chats in the same order. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
