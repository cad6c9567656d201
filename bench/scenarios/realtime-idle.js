import { createClient } from '../lib/http.js';
import { QUICK, range, round1 } from '../lib/options.js';
import { closeSockets, openSockets, sleep, watchDisconnects } from '../lib/realtime.js';
import { startServer } from '../lib/server.js';
import { createTenant } from '../lib/tenant.js';

const CONNECTIONS = QUICK ? 1_000 : 10_000;
const CONCURRENCY = 200;
const WARM_CONNECTIONS = 200;
const SETTLE_MS = 5_000;
const IDLE_MS = QUICK ? 3_000 : 10_000;

const MB = 2 ** 20;
const idleUserId = (i) => `idle${String(i).padStart(5, '0')}`;

/**
 * `connections` idle authenticated sockets, each a different user (no chats: only the user's own
 * room). Server memory is read after a full GC in the API (bench/lib/memory-probe.js) before and after
 * they connect; per connection = difference / connections. Before the baseline, 200 other users
 * connect and leave, so that one-off costs (code, caches, pools) are in both readings.
 */
export async function idleScenario({ name, connections = CONNECTIONS }) {
  const server = await startServer({ memoryProbe: true });
  const client = createClient(server.baseUrl, { connections: 32 });
  let sockets = [];
  try {
    const setupStart = performance.now();
    const tenant = await createTenant(client, server, `bench ${name}`);
    const mintStart = performance.now();
    const tokens = await tenant.mintTokens(range(connections + WARM_CONNECTIONS).map(idleUserId), 32);
    const mintS = (performance.now() - mintStart) / 1000;
    const auths = tokens.map((token) => ({ apiKey: tenant.publishableKey, token }));

    const warm = await openSockets(server.baseUrl, auths.slice(connections), { concurrency: CONCURRENCY });
    closeSockets(warm.sockets);
    await sleep(SETTLE_MS); // past the 2 s presence grace of the warm-up users' disconnects
    const setupSeconds = (performance.now() - setupStart) / 1000;

    const before = await server.probeMemory();
    const connectMonitor = await server.monitor();
    const opened = await openSockets(server.baseUrl, auths.slice(0, connections), {
      concurrency: CONCURRENCY,
    });
    const connectUsage = await connectMonitor.finish();
    sockets = opened.sockets;
    const connected = sockets.filter(Boolean).length;
    const disconnects = watchDisconnects(sockets);

    await sleep(SETTLE_MS);
    const idleMonitor = await server.monitor();
    await sleep(IDLE_MS); // heartbeats (pingInterval 10 s) and presence upkeep only
    const idleUsage = await idleMonitor.finish();
    const after = await server.probeMemory();
    const perConnectionKB = (key) =>
      Math.round(((after[key] - before[key]) / Math.max(1, connected) / 1024) * 10) / 10;
    const mb = (bytes) => Math.round((bytes / MB) * 10) / 10;
    const generator = process.memoryUsage();

    return {
      scenario: name,
      connections,
      users: connections,
      connected,
      failed: opened.failed,
      ...(opened.failed > 0 ? { failures: opened.failures } : {}),
      connectConcurrency: CONCURRENCY,
      connectS: round1(opened.seconds),
      connectsPerSec: Math.round(connected / opened.seconds),
      handshakeMs: opened.handshakeMs,
      disconnectsWhileIdle: disconnects.count,
      ...(disconnects.count > 0 ? { disconnectReasons: disconnects.reasons } : {}),
      // After a full GC in the API, before and after the connections opened.
      memoryBeforeMB: {
        rss: mb(before.rss),
        heapUsed: mb(before.heapUsed),
        external: mb(before.external),
        arrayBuffers: mb(before.arrayBuffers),
      },
      memoryAfterMB: {
        rss: mb(after.rss),
        heapUsed: mb(after.heapUsed),
        external: mb(after.external),
        arrayBuffers: mb(after.arrayBuffers),
      },
      rssPerConnectionKB: perConnectionKB('rss'),
      heapUsedPerConnectionKB: perConnectionKB('heapUsed'),
      externalPerConnectionKB: perConnectionKB('external'),
      gcForced: before.gc && after.gc,
      connecting: connectUsage,
      idle: { seconds: IDLE_MS / 1000, ...idleUsage },
      loadGeneratorRssMB: Math.round(generator.rss / MB),
      redis: server.redis,
      setupS: round1(setupSeconds),
      mintTokensPerSec: Math.round((connections + WARM_CONNECTIONS) / mintS),
    };
  } finally {
    closeSockets(sockets);
    client.close();
    await server.stop();
  }
}
