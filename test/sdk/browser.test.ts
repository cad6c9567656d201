import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/sdk';
import { bundleSdk, type Bundle } from '../../sdk-js/bench/bundle.js';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, newClient, serverHistory, wire } from './support.js';
import { launchChromium } from '../support/chromium.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Parley SDK in a browser</title>
<script type="module">
  import * as Parley from '/parley-sdk.js';
  window.Parley = Parley;
  window.sdkLoaded = true;
</script>`;

/** What the page reports back. */
interface BrowserRun {
  userId: string | null;
  states: string[];
  mine: { text: string | null; status: string } | undefined;
  received: string[];
  error?: string;
}

describe('SDK in Chromium', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let bundle: Bundle;
  let pages: Server;
  let pageOrigin: string;
  let browser: Browser | undefined;
  let peer: ParleyClient | undefined;

  beforeAll(async () => {
    bundle = await bundleSdk();
    pages = createServer((request, response) => {
      if (request.url === '/parley-sdk.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.code);
      } else if (request.url === '/favicon.ico') {
        response.writeHead(204).end();
      } else if (request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pages.address() as { port: number }).port}`;
    app = await startTestApp();
    tenant = await createTenant(app, { allowedOrigins: [pageOrigin] });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await peer?.disconnect();
    await browser?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await app?.close();
  });

  it('bundles without zod and without the Node-only token signer', () => {
    expect(bundle.modules.some((path) => path.includes('/zod/'))).toBe(false);
    expect(bundle.modules.some((path) => path.endsWith('server.ts'))).toBe(false);
    expect(bundle.code).not.toContain('createHmac');
    expect(bundle.modules.some((path) => path.includes('socket.io-client'))).toBe(true);
  });

  it('connects, sends and receives from a page', async () => {
    await upsertUser(tenant.server(), 'web');
    await upsertUser(tenant.server(), 'node');
    peer = newClient(app.baseUrl, tenant);
    await peer.connect(() => tenant.token('node'));
    const nodeChat = await peer.chats.openDirect('web');

    const page = await browser!.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(pageOrigin + '/');
    await page.waitForFunction(() => (globalThis as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);

    const run = page.evaluate(
      async ({ baseUrl, apiKey, token }): Promise<BrowserRun> => {
        const { ParleyClient } = (globalThis as unknown as { Parley: typeof import('@parley/sdk') }).Parley;
        const states: string[] = [];
        const client = new ParleyClient({ baseUrl, apiKey });
        client.on('connection', ({ state }) => states.push(state));
        try {
          await client.connect(token);
          const chat = await client.chats.openDirect('node');
          await chat.send('hello from chromium');
          // Wait (bounded) for the peer's answer and for our message to be delivered to it.
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
            const check = () => {
              const { messages } = chat.getState();
              const mine = messages.find((m) => m.senderId === 'web');
              if (messages.some((m) => m.senderId === 'node') && mine?.status !== 'sent') {
                clearTimeout(timer);
                off();
                resolve();
              }
            };
            const off = chat.subscribe(check);
            check();
          });
          const { messages } = chat.getState();
          const mine = messages.find((m) => m.senderId === 'web');
          return {
            userId: client.userId,
            states,
            mine: mine && { text: mine.text, status: mine.status },
            received: messages.filter((m) => m.senderId === 'node').map((m) => m.text ?? ''),
          };
        } catch (error) {
          return { userId: client.userId, states, mine: undefined, received: [], error: String(error) };
        } finally {
          await client.disconnect();
        }
      },
      { baseUrl: app.baseUrl, apiKey: tenant.publishableKey, token: await tenant.token('web') },
    );

    await eventually(() =>
      expect(nodeChat.getState().messages.map((m) => m.text)).toContain('hello from chromium'),
    );
    await nodeChat.send('hello browser');
    const result = await run;
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      userId: 'web',
      mine: { text: 'hello from chromium', status: expect.stringMatching(/delivered|read/) },
      received: ['hello browser'],
    });
    expect(result.states.slice(0, 2)).toEqual(['connecting', 'online']);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('uploads a file from the page with progress (XMLHttpRequest) and sends it', async () => {
    const page = await browser!.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(pageOrigin + '/');
    await page.waitForFunction(() => (globalThis as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);
    const nodeChat = await peer!.chats.openDirect('web');
    const result = await page.evaluate(
      async ({ baseUrl, apiKey, token }) => {
        const { ParleyClient } = (globalThis as unknown as { Parley: typeof import('@parley/sdk') }).Parley;
        const client = new ParleyClient({ baseUrl, apiKey });
        try {
          await client.connect(token);
          const chat = await client.chats.openDirect('node');
          const progress: number[] = [];
          const file = new File(['page text\n'.repeat(150_000)], 'from-page.txt', { type: 'text/plain' });
          const attachment = await chat.upload(file, {
            onProgress: ({ loaded, total }) => progress.push(loaded / total),
          });
          const message = await chat.send('see attached', { attachments: [attachment] });
          return { progress, size: file.size, attachment, kind: message.kind };
        } finally {
          await client.disconnect();
        }
      },
      { baseUrl: app.baseUrl, apiKey: tenant.publishableKey, token: await tenant.token('web') },
    );
    expect(result.attachment).toMatchObject({ name: 'from-page.txt', mime: 'text/plain', size: result.size });
    expect(result.progress.length).toBeGreaterThanOrEqual(1);
    expect(result.progress.at(-1)).toBe(1);
    expect(result.kind).toBe('text');
    await eventually(() =>
      expect(nodeChat.getState().messages.at(-1)).toMatchObject({
        text: 'see attached',
        attachments: [{ id: result.attachment.id, name: 'from-page.txt' }],
      }),
    );
    await page.close();
  }, 60_000);

  it('goes offline with the browser, then flushes its outbox and catches up when the network is back', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(pageOrigin + '/');
      await page.waitForFunction(() => (globalThis as unknown as { sdkLoaded?: boolean }).sdkLoaded === true);
      type Session = { chat: import('@parley/sdk').ParleyChat; client: import('@parley/sdk').ParleyClient };
      const chatId = await page.evaluate(
        async ({ baseUrl, apiKey, token }) => {
          const scope = globalThis as unknown as { Parley: typeof import('@parley/sdk'); session: Session };
          const client = new scope.Parley.ParleyClient({
            baseUrl,
            apiKey,
            reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
          });
          await client.connect(token);
          scope.session = { client, chat: await client.chats.openDirect('node') };
          return scope.session.chat.id;
        },
        { baseUrl: app.baseUrl, apiKey: tenant.publishableKey, token: await tenant.token('web') },
      );
      // Runs `read` in the page on its session (Playwright evaluates the expression there).
      const inPage = <T>(read: (session: Session) => T): Promise<T> =>
        page.evaluate(`(${read.toString()})(globalThis.session)`) as Promise<T>;
      const nodeChat = await peer!.chats.open(chatId);

      await context.setOffline(true);
      await eventually(async () => expect(await inPage((s) => s.client.connectionState)).not.toBe('online'));
      await inPage((s) => {
        for (let i = 0; i < 3; i++) void s.chat.send(`offline ${i}`);
      });
      const sent = [];
      for (let i = 0; i < 20; i++) sent.push(await nodeChat.send(`meanwhile ${i}`));
      await nodeChat.edit(sent[3]!.id, 'meanwhile 3 (edited)');
      await nodeChat.delete(sent[7]!.id);
      // The earlier tests' three messages, then the three waiting in the outbox.
      expect(await inPage((s) => s.chat.getState().messages.map((m) => m.status))).toEqual([
        expect.stringMatching(/^(sent|delivered|read)$/),
        'sent',
        expect.stringMatching(/^(sent|delivered|read)$/),
        'sending',
        'sending',
        'sending',
      ]);

      await context.setOffline(false);
      await eventually(async () => {
        const state = await inPage((s) => s.chat.getState());
        expect(state.synced).toBe(true);
        expect(state.messages.filter((m) => m.status === 'sending')).toEqual([]);
      }, 15_000);
      const server = await serverHistory(tenant, 'web', chatId);
      expect(server.map((m) => m.text)).toEqual([
        'hello from chromium',
        'hello browser',
        'see attached',
        ...sent.map((m, i) => (i === 3 ? 'meanwhile 3 (edited)' : i === 7 ? null : m.text)),
        'offline 0',
        'offline 1',
        'offline 2',
      ]);
      expect((await inPage((s) => s.chat.getState().messages)).map(wire)).toEqual(server);
      await inPage((s) => s.client.disconnect());
    } finally {
      await context.close();
    }
  }, 60_000);
});
