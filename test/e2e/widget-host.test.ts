import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoPageService,
  repositoryRoot,
  WIDGET_BUILD_PATH,
  WIDGET_BUNDLE_FILE,
  WidgetBundleFile,
} from '@parley/widget-host';
import { createTenant } from '../factories/tenants.js';
import { expectProblem } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request whose answer is not decoded (fetch would inflate it and hide Content-Encoding). */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const built = join(repositoryRoot(), WIDGET_BUILD_PATH);

describe('GET /widget.js and GET / on a running API', () => {
  let app: TestApp;
  beforeAll(async () => {
    expect(existsSync(built), `${built} is missing: run npx vite build -c widget/vite.config.ts`).toBe(true);
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the built script with its type, cache and cross-origin headers', async () => {
    const reply = await raw(`${app.baseUrl}/widget.js`, { origin: 'https://anyone.example' });
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300, stale-while-revalidate=86400',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      vary: 'Accept-Encoding',
    });
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(reply.body.equals(readFileSync(built))).toBe(true);
    // Also through the checked client: the answer is the one openapi/openapi.json documents.
    const checked = await app.request('GET', '/widget.js');
    expect(checked.status).toBe(200);
  });

  it('answers brotli or gzip when accepted, each decoding to the same script', async () => {
    const identity = await raw(`${app.baseUrl}/widget.js`);
    const br = await raw(`${app.baseUrl}/widget.js`, { 'accept-encoding': 'gzip, deflate, br' });
    const gz = await raw(`${app.baseUrl}/widget.js`, { 'accept-encoding': 'gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
    expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gz.body.length).toBeLessThan(identity.body.length);
    expect(new Set([identity.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
  });

  it('answers 304 with no body for a matching If-None-Match, and 200 for a stale one', async () => {
    const first = await raw(`${app.baseUrl}/widget.js`, { 'accept-encoding': 'gzip' });
    const etag = first.headers.etag as string;
    const again = await raw(`${app.baseUrl}/widget.js`, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=86400');
    const stale = await raw(`${app.baseUrl}/widget.js`, { 'if-none-match': '"not-this-one"' });
    expect(stale.status).toBe(200);
    const head = await raw(`${app.baseUrl}/widget.js`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('is public: tenant credentials, even bad ones, change nothing, and no CORS preflight is needed', async () => {
    const tenant = await createTenant(app, { allowedOrigins: ['https://a.example'] });
    const plain = await raw(`${app.baseUrl}/widget.js`);
    for (const headers of <Record<string, string>[]>[
      { 'x-api-key': tenant.publishableKey, origin: 'https://not-allowed.example' },
      { authorization: 'Bearer sk_nonsense' },
      { 'x-api-key': 'pk_nonsense', authorization: 'Bearer not.a.token' },
    ]) {
      const reply = await raw(`${app.baseUrl}/widget.js`, headers);
      expect(reply.status).toBe(200);
      expect(reply.headers.etag).toBe(plain.headers.etag);
      expect(reply.headers['access-control-allow-origin']).toBe('*');
    }
    // A query string is ignored, not refused (cache-busting URLs keep working).
    expect((await raw(`${app.baseUrl}/widget.js?v=123`)).status).toBe(200);
    // Nothing else sits under the script's name.
    expectProblem(await app.request('POST', '/widget.js', { body: {} }), 404, 'not_found');
  });

  it('has no demo page at / unless the embedded default enabled one', async () => {
    expect(app.app.get(DemoPageService).enabled).toBe(false);
    expectProblem(await app.request('GET', '/'), 404, 'not_found');
  });

  it('serves the demo page at / once enabled, with fresh tokens on every load', async () => {
    const demo = await createTenant(app, { allowedOrigins: [app.baseUrl] });
    app.app.get(DemoPageService).enable(demo);
    const load = async (): Promise<string> => {
      const reply = await raw(`${app.baseUrl}/`);
      expect(reply.status).toBe(200);
      expect(reply.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
      return reply.body.toString('utf8');
    };
    const page = await load();
    expect(page).toContain('<script type="module" src="/widget.js"></script>');
    const tags = [...page.matchAll(/<parley-chat ([^>]*)>/g)].map((m) => m[1]!);
    expect(tags).toHaveLength(3);
    for (const tag of tags) expect(tag).toContain(`api-key="${demo.publishableKey}"`);
    const chatIds = new Set(tags.flatMap((tag) => /chat-id="([^"]+)"/.exec(tag)?.[1] ?? []));
    expect(chatIds.size).toBe(1);
    expect(tags[2]).toContain('mode="launcher"');
    // Alice and Bob share that chat; their tokens work from the page's origin.
    const aliceToken = /user-token="([^"]+)"/.exec(tags[0]!)![1]!;
    const chats = await app.request('GET', '/v1/chats', {
      headers: {
        'x-api-key': demo.publishableKey,
        authorization: `Bearer ${aliceToken}`,
        origin: app.baseUrl,
      },
    });
    expect(chats.status).toBe(200);
    expect(chats.body.data.map((c: { id: string }) => c.id)).toContain([...chatIds][0]);
    // Only GET / is the page.
    expectProblem(await app.request('GET', '/index.html'), 404, 'not_found');
    expectProblem(await app.request('POST', '/', { body: {} }), 404, 'not_found');
    // Another load: the same chat, new tokens (a token's `iat` has milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await load();
    expect(again).not.toBe(page);
    expect(again).toContain(`chat-id="${[...chatIds][0]}"`);
  });
});

describe('GET /widget.js before the widget is built', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-unbuilt-'));
    app = await startTestApp({
      overrides: [{ provide: WIDGET_BUNDLE_FILE, useValue: new WidgetBundleFile(join(dir, 'widget.js')) }],
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 unavailable saying to build it, then serves it once the file exists', async () => {
    const reply = await app.request('GET', '/widget.js');
    expectProblem(reply, 503, 'unavailable');
    expect(reply.body.detail).toContain('npm run build');
    expect(reply.body.detail).not.toContain(dir);
    // Still loadable cross-origin, so the page's console shows the problem rather than a CORS error.
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    writeFileSync(join(dir, 'widget.js'), 'export const built = true;\n');
    const built = await raw(`${app.baseUrl}/widget.js`);
    expect(built.status).toBe(200);
    expect(built.body.toString()).toBe('export const built = true;\n');
  });
});
