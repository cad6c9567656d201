import pg from 'pg';
import { createClient } from '../lib/http.js';
import { mapLimit, runLoad } from '../lib/load.js';
import { QUICK, range, round1, userId } from '../lib/options.js';
import { startServer } from '../lib/server.js';
import { createTenant } from '../lib/tenant.js';

const CONCURRENCY = 32;
const WARMUP = { maxRequests: QUICK ? 200 : 1_000, maxMs: 5_000 };
const MEASURE = { maxRequests: QUICK ? 2_000 : 40_000, maxMs: QUICK ? 3_000 : 15_000 };
const TEXT = 'The quick brown fox jumps over the lazy dog, benchmark message number ';

/**
 * REST sends (`POST /v1/chats/:id/messages`) by end users (publishable key + user token), 32 in flight.
 * `chats: 1`: one group of 32 members, each in-flight slot sending as its own member, so every send
 * contends for the same chat counter. `chats: 1000`: 1,000 direct chats in a ring of 1,000 users, request
 * i going to chat i mod 1000 as its first member, so the counters never contend.
 */
export async function sendScenario({ name, chats }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: CONCURRENCY });
  try {
    const setupStart = performance.now();
    const tenant = await createTenant(client, server, `bench ${name}`);
    const users = range(chats === 1 ? CONCURRENCY : chats).map(userId);
    await tenant.upsertUsers(users);
    const chatIds =
      chats === 1
        ? [
            (
              await client.call('POST', '/v1/chats', {
                headers: tenant.backend,
                body: { kind: 'group', title: 'Bench group', members: users },
              })
            ).id,
          ]
        : await mapLimit(range(chats), 16, async (i) => {
            const chat = await client.call('POST', '/v1/chats', {
              headers: tenant.backend,
              body: { kind: 'direct', members: [users[i], users[(i + 1) % chats]] },
            });
            return chat.id;
          });
    const headers = (await tenant.mintTokens(users)).map(tenant.userHeaders);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const sender = (phase) => (i, worker) => {
      const slot = chats === 1 ? worker : i % chats;
      return client.request('POST', `/v1/chats/${chatIds[chats === 1 ? 0 : slot]}/messages`, {
        headers: headers[slot],
        body: { clientId: `${phase}-${i}`, text: TEXT + i },
      });
    };
    const created = (res) => res.status === 201;
    const warmup = await runLoad({ concurrency: CONCURRENCY, ...WARMUP, send: sender('w'), check: created });
    const monitor = await server.monitor();
    const run = await runLoad({ concurrency: CONCURRENCY, ...MEASURE, send: sender('m'), check: created });
    const usage = await monitor.finish();
    const stored = await storedMessages(server.databaseUrl);

    return {
      scenario: name,
      chats,
      senders: users.length,
      concurrency: CONCURRENCY,
      requests: run.requests,
      ok: run.ok,
      errors: run.errors,
      ...(run.lastFailure ? { firstError: run.lastFailure } : {}),
      durationS: round1(run.durationMs / 1000),
      msgsPerSec: Math.round(run.perSecond),
      latencyMs: run.latencyMs,
      // Every 201 of warm-up and run against what the database holds: a lost or doubled send shows here.
      acked: warmup.ok - warmup.unexpected + run.ok - run.unexpected,
      stored: stored.messages,
      seqGaps: stored.gaps,
      ...usage,
      redis: server.redis,
      dbPoolSize: server.poolSize,
      setupS: round1(setupSeconds),
    };
  } finally {
    client.close();
    await server.stop();
  }
}

/** How many messages are stored, and how many seqs are missing below each chat's highest. */
async function storedMessages(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT coalesce(sum(n), 0)::int AS messages, coalesce(sum(top - n), 0)::int AS gaps
         FROM (SELECT count(*) AS n, max(seq) AS top FROM messages GROUP BY chat_id) per_chat`,
    );
    return rows[0];
  } finally {
    await db.end();
  }
}
