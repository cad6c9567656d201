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

const WARMUP_MS = QUICK ? 1_000 : 3_000;
const MEASURE_MS = QUICK ? 3_000 : 20_000;
const DRAIN_MS = 10_000;

/**
 * One group of `members` members, each with their own socket; the first `senders` of them send
 * `perSender` messages a second each (on a fixed timeline, interleaved evenly, acks not awaited).
 * Every other member's socket must receive every message once (the sending socket has it in its ack):
 * (members - 1) × messages deliveries. Receivers report `delivered` every 500 ms like the SDK.
 */
export async function groupScenario({ name, members = 100, senders = 10, perSender = 20 }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 16 });
  let sockets = [];
  try {
    const setupStart = performance.now();
    const tenant = await createTenant(client, server, `bench ${name}`);
    const users = range(members).map(userId);
    await mapLimit(users, 16, (id) =>
      client.call('PUT', `/v1/users/${id}`, { headers: tenant.backend, body: { name: `User ${id}` } }),
    );
    const chat = await client.call('POST', '/v1/chats', {
      headers: tenant.backend,
      body: { kind: 'group', title: 'Bench group', members: users },
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
        `${opened.failed} of ${members} sockets failed to connect: ${JSON.stringify(opened.failures)}`,
      );
    const disconnects = watchDisconnects(sockets);
    const traffic = createTraffic({
      senders: range(senders).map((i) => ({ socket: sockets[i], chatId: chat.id })),
      receivers: sockets.map((socket) => ({ socket })),
    });
    // Message k comes from sender k mod senders; everyone else gets it.
    const othersOf = range(senders).map((sender) => range(members).filter((m) => m !== sender));
    const expected = (k) => othersOf[k % senders];
    const rate = senders * perSender;
    await sleep(500);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const warmup = await traffic.run({
      prefix: 'w',
      rate,
      durationMs: WARMUP_MS,
      expected,
      expectedPerMessage: members - 1,
      drainMs: DRAIN_MS,
    });
    await sleep(1_000);
    const metricsBefore = await scrapeMetrics(client);
    const monitor = await server.monitor();
    const run = await traffic.run({
      prefix: 'm',
      rate,
      durationMs: MEASURE_MS,
      expected,
      expectedPerMessage: members - 1,
      drainMs: DRAIN_MS,
    });
    const usage = await monitor.finish();
    const metricsAfter = await scrapeMetrics(client);
    traffic.stop();
    await sleep(1_000);
    const stored = await storedMessages(server.databaseUrl);

    return {
      scenario: name,
      members,
      senders,
      perSenderPerSec: perSender,
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
