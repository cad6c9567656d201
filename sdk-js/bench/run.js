/**
 * `npm run bench -w @parley/sdk` (after the root `npm run build`): one JSON line per figure.
 * - bundle: minified + gzipped size of the browser bundle (with socket.io-client), of the SDK's own
 *   code, and of what `@parley/protocol` adds at run time as the SDK imports it;
 * - connect: from `connect()` to online, to a chat's newest message shown, and to the first live
 *   message received;
 * - memory: heap held by one open chat with 10,000 messages loaded.
 * Set SDK_BENCH_MESSAGES to change the 10,000.
 */
import { performance } from 'node:perf_hooks';
import { ParleyClient } from '../dist/index.js';
import { createUserToken } from '../dist/server.js';
import { call, startApi } from './api.js';
import { bundleSdk, bundleSource } from './bundle.js';

const emit = (result) => process.stdout.write(JSON.stringify(result) + '\n');
const log = (line) => process.stderr.write(`[sdk-bench] ${line}\n`);
const kb = (bytes) => Math.round(bytes / 102.4) / 10;
const MESSAGES = Number(process.env.SDK_BENCH_MESSAGES ?? 10_000);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v) => Math.round(v * 10) / 10;
  return {
    runs: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted.at(-1)),
  };
}

async function bundleSizes() {
  const full = await bundleSdk();
  const own = await bundleSdk({ external: ['socket.io-client'] });
  // Exactly the run-time imports the SDK makes from the protocol.
  const protocol = await bundleSource(
    "export { ERRORS, REALTIME_NAMESPACE, SERVER_EVENT_NAMES } from '@parley/protocol';",
  );
  emit({
    scenario: 'sdk-bundle',
    browserBundleKB: { minified: kb(full.bytes), gzip: kb(full.gzipBytes) },
    sdkOwnCodeKB: { minified: kb(own.bytes), gzip: kb(own.gzipBytes) },
    protocolRuntimeKB: {
      minified: kb(protocol.bytes),
      gzip: kb(protocol.gzipBytes),
      modules: protocol.modules.length - 1,
    },
    zodInBundle: full.modules.some((m) => m.includes('/zod/')),
  });
}

async function setUp(api) {
  const tenant = await call(api.baseUrl, 'POST', '/v1/tenants', {
    headers: { authorization: `Bearer ${api.adminToken}` },
    body: { name: 'SDK bench' },
  });
  const server = { authorization: `Bearer ${tenant.secretKey}` };
  for (const id of ['reader', 'writer'])
    await call(api.baseUrl, 'PUT', `/v1/users/${id}`, { headers: server, body: { name: id } });
  const chat = await call(api.baseUrl, 'POST', '/v1/chats', {
    headers: server,
    body: { kind: 'direct', members: ['reader', 'writer'] },
  });
  const token = (userId) => createUserToken(tenant.secretKey, userId, { expiresIn: 3600 });
  const client = () => new ParleyClient({ baseUrl: api.baseUrl, apiKey: tenant.publishableKey });
  return { tenant, server, chatId: chat.id, token, client };
}

async function connectTimes(api, setup) {
  const writer = setup.client();
  await writer.connect(setup.token('writer'));
  const writerChat = await writer.chats.open(setup.chatId);
  await writerChat.send('warm-up');
  const online = [];
  const shown = [];
  const live = [];
  for (let run = 0; run < 30; run++) {
    const reader = setup.client();
    const started = performance.now();
    let onlineAt = 0;
    const received = new Promise((resolve) => {
      reader.on('online', () => {
        onlineAt = performance.now();
        void writerChat.send(`live ${run}`);
      });
      reader.on('message:new', ({ message }) => {
        if (message.text === `live ${run}`) resolve(performance.now());
      });
    });
    await reader.connect(setup.token('reader'));
    const liveAt = await received;
    const chat = await reader.chats.open(setup.chatId);
    const shownAt = performance.now();
    if (chat.getState().messages.length === 0) throw new Error('the chat opened empty');
    online.push(onlineAt - started);
    live.push(liveAt - started);
    // Opening right after connecting: connect() → the chat's newest messages in its state.
    shown.push(onlineAt - started + (shownAt - liveAt));
    await reader.disconnect();
  }
  await writer.disconnect();
  emit({
    scenario: 'sdk-connect',
    note: 'SDK in this process, API in another, loopback; ms from connect()',
    toOnlineMs: summary(online),
    toFirstLiveMessageMs: summary(live),
    toChatOpenWithHistoryMs: summary(shown),
  });
}

async function memory(api, setup) {
  log(`seeding ${MESSAGES} messages…`);
  const writer = { ...setup.server, 'x-on-behalf-of': 'writer' };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await call(api.baseUrl, 'POST', `/v1/chats/${setup.chatId}/messages`, {
          headers: writer,
          body: {
            clientId: `seed-${i}`,
            text: `Message ${i}: a typical line of chat, some forty to sixty characters long.`,
          },
        });
      }
    }),
  );
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const reader = new ParleyClient({
    baseUrl: api.baseUrl,
    apiKey: setup.tenant.publishableKey,
    pageSize: 100,
  });
  await reader.connect(setup.token('reader'));
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const chat = await reader.chats.open(setup.chatId);
  while (await chat.loadOlder()) {
    /* page after page */
  }
  const loadedMs = performance.now() - started;
  const count = chat.getState().messages.length;
  gc();
  const after = process.memoryUsage().heapUsed;
  emit({
    scenario: 'sdk-memory',
    messages: count,
    heapMB: Math.round(((after - before) / 1024 / 1024) * 10) / 10,
    bytesPerMessage: Math.round((after - before) / count),
    loadAllPagesMs: Math.round(loadedMs),
  });
  await reader.disconnect();
}

log('bundling…');
await bundleSizes();
log('starting the API…');
const api = await startApi();
try {
  const setup = await setUp(api);
  log('connect times…');
  await connectTimes(api, setup);
  await memory(api, setup);
} finally {
  await api.stop();
}
log('done');
