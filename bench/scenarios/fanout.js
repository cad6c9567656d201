import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from '../lib/http.js';
import { QUICK, round1 } from '../lib/options.js';
import { REDIS_URL, startServer } from '../lib/server.js';
import { summarize } from '../lib/stats.js';
import { createTenant } from '../lib/tenant.js';

const MEMBERS = QUICK ? 2_000 : 10_000;
/** Every tenth member (never the sender) holds a Web Push subscription and is not connected. */
const EVERY = 10;
const SUBSCRIBERS = MEMBERS / EVERY;
const ROUNDS = QUICK ? 1 : 3;
const member = (i) => `f${String(i).padStart(5, '0')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A local stand-in for the push services: answers 201 and notes when each request arrives. */
async function startPushService() {
  const arrivals = [];
  const server = http.createServer((request, response) => {
    arrivals.push({ at: performance.now(), url: request.url });
    request.resume();
    request.on('end', () => response.writeHead(201).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Fan-out of one message to a 10,000-member group in which 1,000 members are not connected and hold
 * a Web Push subscription (to a local endpoint): the time from the send until the last of the 1,000
 * push requests (VAPID-signed, aes128gcm-encrypted) leaves the server, i.e. reaches the endpoint on
 * loopback. The API runs the queues inline (BullMQ on Redis by default; `BENCH_REDIS_URL=off` for the
 * in-process queue). Members, the group and the subscriptions are inserted in SQL.
 */
export async function fanoutScenario({ name }) {
  const push = await startPushService();
  // The push endpoint is on loopback, which the API refuses unless told otherwise.
  process.env.PARLEY_ALLOW_PRIVATE_URLS = 'on';
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 4 });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const tenant = await createTenant(client, server, `bench ${name}`);
    const chatId = await seed(db, tenant.id, push.url);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      push.arrivals.length = 0;
      const started = performance.now();
      const sent = await client.request('POST', `/v1/chats/${chatId}/messages`, {
        headers: { ...tenant.backend, 'x-on-behalf-of': member(0) },
        body: { clientId: `fanout-${round}`, text: `Round ${round}: hello, everyone` },
      });
      if (sent.status !== 201) throw new Error(`send answered ${sent.status}: ${sent.text}`);
      const deadline = Date.now() + 120_000;
      while (push.arrivals.length < SUBSCRIBERS && Date.now() < deadline) await sleep(5);
      await sleep(500); // anything more would be a duplicate
      const unique = new Set(push.arrivals.map((a) => a.url));
      const times = push.arrivals.map((a) => a.at - started);
      rounds.push({
        sendAckMs: round1(sent.ms),
        firstPushMs: round1(Math.min(...times)),
        lastPushMs: round1(Math.max(...times)),
        pushes: push.arrivals.length,
        distinctDevices: unique.size,
      });
    }
    return {
      scenario: name,
      members: MEMBERS,
      offlineSubscribers: SUBSCRIBERS,
      rounds,
      lastPushMs: summarize(rounds.map((r) => r.lastPushMs)),
      pushesPerSec: Math.round(
        SUBSCRIBERS / (rounds.reduce((s, r) => s + r.lastPushMs, 0) / rounds.length / 1000),
      ),
      queue: server.redis ? 'bullmq' : 'in-process',
      missingOrDuplicated: rounds.some((r) => r.pushes !== SUBSCRIBERS || r.distinctDevices !== SUBSCRIBERS),
    };
  } finally {
    await db.end().catch(() => undefined);
    client.close();
    await server.stop();
    if (server.redis) await dropKeys(`${server.queuePrefix}:*`);
    await push.stop();
    delete process.env.PARLEY_ALLOW_PRIVATE_URLS;
  }
}

/** The thousands of finished jobs this run left under its queue prefix. */
async function dropKeys(pattern) {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(pattern);
    for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  } finally {
    redis.disconnect();
  }
}

async function seed(db, tenantId, pushUrl) {
  const chatId = '01920000-0000-7000-8000-000000000001';
  await db.query(
    `INSERT INTO users (tenant_id, id, name) SELECT $1, 'f' || lpad(i::text, 5, '0'), 'Member ' || i
     FROM generate_series(0, $2 - 1) AS i`,
    [tenantId, MEMBERS],
  );
  await db.query(
    `INSERT INTO chats (tenant_id, id, kind, title, member_count) VALUES ($1, $2, 'group', 'Everyone', $3)`,
    [tenantId, chatId, MEMBERS],
  );
  await db.query(
    `INSERT INTO chat_members (tenant_id, chat_id, user_id, role)
     SELECT $1, $2, 'f' || lpad(i::text, 5, '0'), 'member' FROM generate_series(0, $3 - 1) AS i`,
    [tenantId, chatId, MEMBERS],
  );
  // Real P-256 keys: the server encrypts each push to its subscription's key.
  const users = [];
  const keys = [];
  for (let i = EVERY / 2; i < MEMBERS; i += EVERY) {
    users.push(member(i));
    keys.push(
      JSON.stringify({
        p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      }),
    );
  }
  await db.query(
    `INSERT INTO devices (tenant_id, id, user_id, kind, token, webpush_keys)
     SELECT $1, gen_random_uuid(), u, 'webpush', $2 || '/push/' || u, k::jsonb
     FROM unnest($3::text[], $4::text[]) AS t(u, k)`,
    [tenantId, pushUrl, users, keys],
  );
  return chatId;
}
