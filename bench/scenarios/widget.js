import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { createClient } from '../lib/http.js';
import { QUICK } from '../lib/options.js';
import { startServer } from '../lib/server.js';
import { summarize } from '../lib/stats.js';
import { createTenant } from '../lib/tenant.js';

/** The budget in DESIGN.md ("Benchmarks"): the whole widget, gzipped as served, under 60 KB. */
const BUDGET_BYTES = 60 * 1024;
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HISTORY = 50;
const LOADS = QUICK ? 3 : 10;
const LOAD_TIMEOUT_MS = 20_000;

/** `GET /widget.js` with these request headers, undecoded: status, headers, body bytes. */
function fetchRaw(baseUrl, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/widget.js`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.setTimeout(10_000, () => req.destroy(new Error('GET /widget.js: no answer in 10 s')));
    req.on('error', reject);
  });
}

/**
 * `widget-size`: the bytes a browser downloads for the widget, as the built API serves it — one
 * module, everything (Lit, the SDK, socket.io-client) inside — gzipped, brotli, and uncompressed.
 */
export async function widgetSizeScenario({ name }) {
  const server = await startServer();
  try {
    const gzip = await fetchRaw(server.baseUrl, { 'accept-encoding': 'gzip' });
    const br = await fetchRaw(server.baseUrl, { 'accept-encoding': 'br' });
    const identity = await fetchRaw(server.baseUrl, {});
    for (const reply of [gzip, br, identity]) {
      if (reply.status !== 200) throw new Error(`GET /widget.js answered ${reply.status}: run npm run build`);
    }
    if (gzip.headers['content-encoding'] !== 'gzip' || br.headers['content-encoding'] !== 'br')
      throw new Error('GET /widget.js did not compress as asked');
    const source = identity.body.toString('utf8');
    // "Everything included" holds only if the module loads nothing else.
    const otherModules = [...source.matchAll(/\bimport\s*\(|\bfrom\s*["'][./]|\bimport\s*["'][./]/g)].length;
    return {
      scenario: name,
      gzipBytes: gzip.body.length,
      brotliBytes: br.body.length,
      rawBytes: identity.body.length,
      budgetGzipBytes: BUDGET_BYTES,
      withinBudget: gzip.body.length < BUDGET_BYTES,
      otherModulesImported: otherModules,
    };
  } finally {
    await server.stop();
  }
}

/** A host page from another origin, the element in place, the script tag added by the page itself. */
const hostPage = (apiBase, attributes) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Widget first message</title>
<style>parley-chat { display: block; width: 420px; height: 600px; }</style></head>
<body><parley-chat ${Object.entries(attributes)
  .map(([key, value]) => `${key}="${value}"`)
  .join(' ')}></parley-chat>
<script>
  window.widgetSrc = ${JSON.stringify(`${apiBase}/widget.js`)};
</script></body></html>`;

/**
 * In the page: adds the script tag, then answers the milliseconds until `parley-ready` and until the
 * first message text is on screen (polled every 2 ms through the open shadow roots).
 */
const MEASURE_IN_PAGE = `new Promise((resolve, reject) => {
  const findText = (root) => {
    for (const el of root.querySelectorAll('[part="message-text"]')) if (el.textContent.trim()) return el;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { const found = findText(el.shadowRoot); if (found) return found; }
    return null;
  };
  let ready = null;
  document.addEventListener('parley-ready', () => { ready ??= performance.now() - start; });
  document.addEventListener('parley-error', (event) => reject(new Error('parley-error ' + JSON.stringify(event.detail))));
  const start = performance.now();
  const script = document.createElement('script');
  script.type = 'module';
  script.src = window.widgetSrc;
  document.head.append(script);
  const poll = () => {
    const found = findText(document);
    if (found && found.getClientRects().length > 0) {
      const shown = performance.now() - start;
      // Measured once painted: the next frame after the text is in the DOM.
      requestAnimationFrame(() => resolve({ ready, firstMessage: shown, painted: performance.now() - start }));
    } else if (performance.now() - start > ${LOAD_TIMEOUT_MS}) reject(new Error('no message within ${LOAD_TIMEOUT_MS} ms'));
    else setTimeout(poll, 2);
  };
  poll();
})`;

/**
 * `widget-first-message`: from adding the script tag to the first message on screen, in Chromium,
 * against the built API with a direct chat of 50 messages opened by `chat-id`. Each load is cold
 * for the browser (a new context: empty HTTP cache and storage); one uncounted load warms the server.
 */
export async function widgetFirstMessageScenario({ name }) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (BENCH_CHROMIUM names another)`);
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 4 });
  const pages = createServer((request, response) => {
    if (request.url === '/')
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else response.writeHead(404).end();
  });
  let page = '';
  let browser;
  try {
    await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${pages.address().port}`;
    const tenant = await createTenant(client, server, `bench ${name}`);
    await client.call('PATCH', '/v1/tenant', { headers: tenant.backend, body: { allowedOrigins: [origin] } });
    for (const [id, display] of [
      ['alice', 'Alice'],
      ['bob', 'Bob'],
    ])
      await client.call('PUT', `/v1/users/${id}`, { headers: tenant.backend, body: { name: display } });
    const chat = await client.call('POST', '/v1/chats', {
      headers: tenant.backend,
      body: { kind: 'direct', members: ['alice', 'bob'] },
    });
    for (let i = 1; i <= HISTORY; i++) {
      await client.call('POST', `/v1/chats/${chat.id}/messages`, {
        headers: { ...tenant.backend, 'x-on-behalf-of': i % 2 ? 'alice' : 'bob' },
        body: { clientId: `bench-${i}`, text: `Message ${i} of the history, a line of ordinary length.` },
      });
    }
    const [token] = await tenant.mintTokens(['alice']);
    page = hostPage(server.baseUrl, {
      'api-key': tenant.publishableKey,
      'user-token': token,
      'chat-id': chat.id,
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    const ready = [];
    const firstMessage = [];
    for (let load = 0; load <= LOADS; load++) {
      const context = await browser.newContext();
      try {
        const tab = await context.newPage();
        tab.setDefaultTimeout(LOAD_TIMEOUT_MS);
        await tab.goto(`${origin}/`);
        const result = await tab.evaluate(MEASURE_IN_PAGE);
        if (load === 0) continue; // warms the server (JIT, caches), not counted
        if (result.ready !== null) ready.push(result.ready);
        firstMessage.push(result.painted);
      } finally {
        await context.close();
      }
    }
    return {
      scenario: name,
      loads: LOADS,
      historyMessages: HISTORY,
      firstMessageMs: summarize(firstMessage),
      readyMs: summarize(ready),
      samplesMs: firstMessage.map((ms) => Math.round(ms)),
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await new Promise((resolve) => pages.close(resolve));
    client.close();
    await server.stop();
  }
}
