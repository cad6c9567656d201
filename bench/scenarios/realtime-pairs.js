import { createClient } from '../lib/http.js';
import { mapLimit } from '../lib/load.js';
import { scrapeMetrics, serverView } from '../lib/metrics.js';
import { QUICK, range, userId } from '../lib/options.js';
import {
  closeSockets,
  createTraffic,
  openSockets,
  runReport,
  sleep,
  storedMessages,
  watchDisconnects,
} from '../lib/realtime.js';
import { startServer } from '../lib/server.js';
import { createTenant } from '../lib/tenant.js';

const PAIRS = 100;
const WARMUP_MS = QUICK ? 1_000 : 3_000;
const MEASURE_MS = QUICK ? 3_000 : 20_000;
const DRAIN_MS = 10_000;

/**
 * 1:1 chat over socket.io: `pairs` direct chats, each with one sender socket and one receiver socket
 * (each user its own connection). `message:send` is offered at `rate` messages a second in total on a
 * fixed timeline, spread evenly over the senders, without waiting for acks. Receivers time every
 * `message:new` against the timestamp in its text and report `delivered` every 500 ms like the SDK.
 * A fresh API and database per rate.
 */
export async function pairsScenario({ name, rate, pairs = PAIRS }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 16 });
  let sockets = [];
  try {
    const setupStart = performance.now();
    const tenant = await createTenant(client, server, `bench ${name}`);
    const users = range(pairs * 2).map(userId);
    await mapLimit(users, 16, (id) =>
      client.call('PUT', `/v1/users/${id}`, { headers: tenant.backend, body: { name: `User ${id}` } }),
    );
    // Pair i: users[2i] sends to users[2i + 1] in their direct chat.
    const chatIds = await mapLimit(range(pairs), 16, async (i) => {
      const chat = await client.call('POST', '/v1/chats', {
        headers: tenant.backend,
        body: { kind: 'direct', members: [users[2 * i], users[2 * i + 1]] },
      });
      return chat.id;
    });
    const tokens = await tenant.mintTokens(users);
    const opened = await openSockets(
      server.baseUrl,
      tokens.map((token) => ({ apiKey: tenant.publishableKey, token })),
      { concurrency: 50 },
    );
    sockets = opened.sockets;
    if (opened.failed > 0)
      throw new Error(
        `${opened.failed} of ${users.length} sockets failed to connect: ${JSON.stringify(opened.failures)}`,
      );
    const disconnects = watchDisconnects(sockets);
    const senders = range(pairs).map((i) => ({ socket: sockets[2 * i], chatId: chatIds[i] }));
    const receivers = range(pairs).map((i) => ({ socket: sockets[2 * i + 1] }));
    const traffic = createTraffic({ senders, receivers });
    const expected = (k) => [k % pairs];
    // The server joins a socket to its chat rooms just after the handshake answers.
    await sleep(500);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const warmup = await traffic.run({
      prefix: 'w',
      rate,
      durationMs: WARMUP_MS,
      expected,
      expectedPerMessage: 1,
      drainMs: DRAIN_MS,
    });
    await sleep(1_000); // let delivered pointers and receipts of the warm-up settle
    const metricsBefore = await scrapeMetrics(client);
    const monitor = await server.monitor();
    const run = await traffic.run({
      prefix: 'm',
      rate,
      durationMs: MEASURE_MS,
      expected,
      expectedPerMessage: 1,
      drainMs: DRAIN_MS,
    });
    const usage = await monitor.finish();
    const metricsAfter = await scrapeMetrics(client);
    traffic.stop();
    await sleep(1_000); // the last delivered pointers are written every 500 ms
    const stored = await storedMessages(server.databaseUrl);

    return {
      scenario: name,
      pairs,
      sockets: sockets.length,
      ...run,
      ...runReport({
        run,
        warmup,
        stored,
        disconnects,
        usage,
        metrics: serverView(metricsBefore, metricsAfter),
        server,
        setupSeconds,
      }),
    };
  } finally {
    closeSockets(sockets);
    client.close();
    await server.stop();
  }
}
