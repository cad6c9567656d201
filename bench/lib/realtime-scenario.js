import { createClient } from './http.js';
import { scrapeMetrics, serverView } from './metrics.js';
import { QUICK } from './options.js';
import {
  closeSockets,
  createTraffic,
  openSockets,
  runReport,
  sleep,
  storedMessages,
  watchDisconnects,
} from './realtime.js';
import { startServer } from './server.js';
import { createTenant } from './tenant.js';

const WARMUP_MS = QUICK ? 1_000 : 3_000;
const MEASURE_MS = QUICK ? 3_000 : 20_000;
const DRAIN_MS = 10_000;

/**
 * The phases of every realtime scenario over connected `sockets`: a pause for the server's room joins,
 * the warm-up, a pause for its receipts to settle, then the measured window with the server's CPU
 * (`server.monitor()`) and `sample()` (its metrics, when it has them) taken around it.
 */
export async function driveTraffic({
  server,
  sockets,
  traffic: { senders, receivers, expected, expectedPerMessage },
  rate,
  sample = async () => null,
}) {
  const disconnects = watchDisconnects(sockets);
  const traffic = createTraffic({ senders, receivers });
  const phase = (prefix, durationMs) =>
    traffic.run({ prefix, rate, durationMs, expected, expectedPerMessage, drainMs: DRAIN_MS });
  // The server joins a socket to its chat rooms just after the handshake answers.
  await sleep(500);
  const warmup = await phase('w', WARMUP_MS);
  await sleep(1_000); // let delivered pointers and receipts of the warm-up settle
  const before = await sample();
  const monitor = await server.monitor();
  const run = await phase('m', MEASURE_MS);
  const usage = await monitor.finish();
  const after = await sample();
  traffic.stop();
  await sleep(1_000); // the last delivered pointers are written every 500 ms
  return { warmup, run, usage, disconnects, samples: [before, after] };
}

/**
 * What the realtime scenarios share: a fresh API and database; `users` upserted, their chats made by
 * `createChats`, one socket each; a warm-up, then the measured window at `rate` messages a second
 * with the server's CPU, metrics and the stored messages around it. `plan` says, from the sockets and
 * chats, who sends where and who must receive message k (`expected`, `expectedPerMessage` of them).
 * The line it returns starts with `describe`, the scenario's own parameters.
 */
export async function realtimeScenario({ name, users, createChats, plan, rate, describe }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 16 });
  let sockets = [];
  try {
    const setupStart = performance.now();
    const tenant = await createTenant(client, server, `bench ${name}`);
    await tenant.upsertUsers(users);
    const chatIds = await createChats((body) =>
      client.call('POST', '/v1/chats', { headers: tenant.backend, body }),
    );
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
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const { warmup, run, usage, disconnects, samples } = await driveTraffic({
      server,
      sockets,
      traffic: plan(sockets, chatIds),
      rate,
      sample: () => scrapeMetrics(client),
    });
    const stored = await storedMessages(server.databaseUrl);

    return {
      scenario: name,
      ...describe,
      ...run,
      ...runReport({
        run,
        warmup,
        stored,
        disconnects,
        usage,
        metrics: serverView(...samples),
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
