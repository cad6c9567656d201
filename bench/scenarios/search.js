import 'reflect-metadata';
import pg from 'pg';
import { SearchRepository } from '../../dist/libs/search/src/search.repository.js';
import { createClient } from '../lib/http.js';
import { runLoad } from '../lib/load.js';
import { QUICK, range, round1, userId } from '../lib/options.js';
import { startServer } from '../lib/server.js';
import { summarize } from '../lib/stats.js';
import { createTenant } from '../lib/tenant.js';
import { chatId, SEED, seedDatabase } from './history.js';

const PAGE = 20;
const CONCURRENCIES = [1, 8];
const WARMUP = { maxRequests: QUICK ? 100 : 300, maxMs: 3_000 };
const MEASURE = {
  1: { maxRequests: QUICK ? 300 : 3_000, maxMs: QUICK ? 2_000 : 10_000 },
  8: { maxRequests: QUICK ? 1_000 : 12_000, maxMs: QUICK ? 2_000 : 10_000 },
};
/** The one user who is in many chats: `power` belongs to this many of them (100 messages each). */
const POWER_CHATS = QUICK ? 200 : 1_000;

// Message text: 6–14 words drawn from 8,000 made-up words (two or three syllables) with a
// log-uniform (Zipf-like) frequency: word 0 is in about half the messages, word 3,000 in about 1 in
// 3,000. Deterministic: each word comes from a hash of (chat, seq, position).
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 'de', 'fa', 'gu', 'hi'].concat([
  'jo',
  'be',
  'co',
  've',
  'wa',
  'xi',
  'yo',
  'za',
  'pe',
  'qu',
  'ro',
  'ti',
]);
const VOCABULARY = 8_000;
const word = (n) =>
  SYLLABLES[n % 24] +
  SYLLABLES[Math.floor(n / 24) % 24] +
  (n >= 576 ? SYLLABLES[Math.floor(n / 576) % 24] : '');
const messageText = (c, s) => `(SELECT string_agg(a.syl[1 + w.n % 24] || a.syl[1 + (w.n / 24) % 24]
     || CASE WHEN w.n >= 576 THEN a.syl[1 + (w.n / 576) % 24] ELSE '' END, ' ')
   FROM (SELECT floor(exp(abs(hashtext(${c} || ':' || ${s} || ':' || k)::bigint) / 2147483648.0
                          * ln(${VOCABULARY})))::int - 1 AS n
           FROM generate_series(1, 6 + (${c} * 7 + ${s}) % 9) k) w,
        (SELECT ARRAY[${SYLLABLES.map((s) => `'${s}'`).join(',')}] AS syl) a)`;

/** What is searched for, by how many messages hold it (of 1,000,000; a user's 20 chats hold 2,000). */
const QUERIES = [
  { kind: 'word in ~55%', q: word(0) },
  { kind: 'word in ~5%', q: word(20) },
  { kind: 'word in ~0.5%', q: word(200) },
  { kind: 'word in ~0.04%', q: word(3_000) },
  { kind: 'absent word', q: 'zzyzx' },
  { kind: 'two common words', q: `${word(0)} ${word(20)}` },
  { kind: 'phrase', q: `"${word(0)} ${word(1)}"` },
  { kind: 'word -exclusion', q: `${word(20)} -${word(0)}` },
];

/**
 * Search latency over 1,000,000 stored messages (the history seed, with varied text), Postgres
 * full-text search: `GET /v1/search?q=…&limit=20` as an ordinary user (20 chats, ~2,000 messages), as
 * a user in 1,000 chats (~100,000 messages), within one chat (`chatId`), and tenant-wide with the
 * secret key. Each request searches one of QUERIES, in turn, from common words to absent ones.
 */
export async function searchScenario({ name }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: Math.max(...CONCURRENCIES) });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const tenant = await createTenant(client, server, `bench ${name}`);
    const seed = await seedDatabase(db, tenant.id, { messageText });
    const power = await addPowerUser(db, tenant.id);
    // Writing the seed's ~700 MB out now, rather than during the first measurement.
    await db.query('CHECKPOINT');
    const tokens = await tenant.mintTokens([...range(SEED.users).map(userId), 'power']);
    const headers = tokens.map(tenant.userHeaders);
    const powerHeaders = headers.pop();
    const frequencies = await documentFrequencies(db);
    const plans = await explainSearches(db, tenant.id, power);
    const results = [{ scenario: `${name}:seed`, ...seed, powerUserChats: POWER_CHATS, frequencies, plans }];

    const random = mulberry32(7);
    const query = (i) => QUERIES[i % QUERIES.length];
    const path = (q, extra = '') => `/v1/search?q=${encodeURIComponent(q)}&limit=${PAGE}${extra}`;
    const scopes = [
      {
        scope: 'user (20 chats, ~2,000 messages)',
        request: (q) => {
          const u = Math.floor(random() * SEED.users);
          return { path: path(q), headers: headers[u] };
        },
      },
      {
        scope: `user in ${POWER_CHATS} chats (~${(POWER_CHATS * SEED.perChat).toLocaleString('en')} messages)`,
        request: (q) => ({ path: path(q), headers: powerHeaders }),
      },
      {
        scope: 'one chat (chatId, 100 messages)',
        request: (q) => {
          const c = Math.floor(random() * SEED.chats);
          return { path: path(q, `&chatId=${chatId(c)}`), headers: headers[c % SEED.users] };
        },
      },
      {
        scope: `whole tenant (secret key, ${seed.messages.toLocaleString('en')} messages)`,
        request: (q) => ({ path: path(q), headers: tenant.backend }),
      },
    ];
    const pageOk = (res) => JSON.parse(res.text).data.length <= PAGE;

    for (const { scope, request } of scopes) {
      for (const concurrency of CONCURRENCIES) {
        const byKind = new Map(QUERIES.map((x) => [x.kind, []]));
        const send = async (i) => {
          const { kind, q } = query(i);
          const { path: target, headers: as } = request(q);
          const res = await client.request('GET', target, { headers: as });
          byKind.get(kind).push(res.ms);
          return res;
        };
        await runLoad({ concurrency, ...WARMUP, send, check: pageOk });
        for (const samples of byKind.values()) samples.length = 0;
        const monitor = await server.monitor();
        const run = await runLoad({ concurrency, ...MEASURE[concurrency], send, check: pageOk });
        const usage = await monitor.finish();
        results.push({
          scenario: name,
          scope,
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
          p99ByQuery: Object.fromEntries([...byKind].map(([kind, ms]) => [kind, summarize(ms).p99])),
          ...usage,
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

/** `power` joins POWER_CHATS chats spread over the whole seed. */
async function addPowerUser(db, tenantId) {
  const stride = Math.floor(SEED.chats / POWER_CHATS);
  const chats = range(POWER_CHATS).map((k) => chatId(k * stride));
  await db.query(`INSERT INTO users (tenant_id, id, name) VALUES ($1, 'power', 'Power user')`, [tenantId]);
  await db.query(
    `INSERT INTO chat_members (tenant_id, chat_id, user_id, role)
     SELECT $1, unnest($2::uuid[]), 'power', 'member'`,
    [tenantId, chats],
  );
  await db.query('ANALYZE chat_members');
  return { userId: 'power', chats };
}

/** How many messages hold each searched word, as measured on the seed. */
async function documentFrequencies(db) {
  const { rows } = await db.query(
    `SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM messages') WHERE word = ANY($1)`,
    [[0, 1, 20, 200, 3_000].map(word)],
  );
  return Object.fromEntries(rows.map((r) => [r.word, r.ndoc]));
}

/** The plans of the search query in each scope, from the server's own repository (not a copy of its SQL). */
async function explainSearches(pgClient, tenantId, power) {
  const plans = [];
  const explaining = (label) => ({
    async query(sql, params = []) {
      const explained = await pgClient.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
      const [{ Plan: plan, 'Execution Time': executionMs }] = explained.rows[0]['QUERY PLAN'];
      plans.push({ query: label, executionMs: Number(executionMs.toFixed(3)), plan: describe(plan) });
      return (await pgClient.query(sql, params)).rows;
    },
  });
  const userChats = range(SEED.chats / SEED.users).flatMap((k) => [
    chatId(123 + k * SEED.users),
    chatId(122 + k * SEED.users),
  ]);
  const cases = [
    ['user', userChats, userChats.length * SEED.perChat],
    ['power user', power.chats, power.chats.length * SEED.perChat],
    ['one chat', [chatId(1234 % SEED.chats)], SEED.perChat],
    ['whole tenant', null, null],
  ];
  for (const [scope, chatIds, scopeSize] of cases) {
    for (const { kind, q } of [QUERIES[0], QUERIES[3]]) {
      const repository = new SearchRepository(explaining(`${scope}: ${kind}`));
      await repository.search(tenantId, { query: q, chatIds, scopeSize, before: null, limit: PAGE + 1 });
    }
  }
  return plans;
}

function describe(node) {
  let text = node['Node Type'];
  if (node['Scan Direction'] === 'Backward') text += ' Backward';
  if (node['Index Name']) text += ` using ${node['Index Name']}`;
  if (node['Relation Name']) text += ` on ${node['Relation Name']}`;
  const children = node.Plans ?? [];
  return children.length > 0 ? `${text}(${children.map(describe).join(', ')})` : text;
}

/** A small seeded PRNG, so that every run searches the same chats in the same order. */
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
