import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { repositoryRoot, WIDGET_BUILD_PATH } from '@parley/widget-host';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { freePort } from '../support/api-process.js';
import { launchChromium } from '../support/chromium.js';
import { eventually as waitUntil } from '../support/socket.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/test-app.js';

// Page functions run in Chromium, with its globals; the project's types have no DOM lib.
declare const document: any, window: any;

/** Every wait in a page is bounded by this unless a test says otherwise. */
export const PAGE_TIMEOUT_MS = 15_000;

export const ARTIFACTS = join(repositoryRoot(), 'test', 'artifacts');

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export interface WidgetPageOptions {
  /** Attributes of the `<parley-chat>` element, e.g. `{ 'api-key': pk, 'user-token': token }`. */
  attributes: Record<string, string>;
  /** Host page CSS. */
  css?: string;
  /** Host page markup before the element (inside `<main>`). */
  before?: string;
  /** A classic script of the host page, run after the element is in the document. */
  after?: string;
  /** Leave the script tag out; `addWidgetScript` adds it later. */
  withoutScript?: boolean;
  lang?: string;
}

/**
 * Records the widget's events on `window.parleyEvents` before any script of the page runs (they
 * bubble and are composed, so the document hears them); `open` installs it in every page.
 */
export const EVENT_RECORDER = `
  window.parleyEvents = [];
  for (const type of ['parley-ready', 'parley-error']) {
    document.addEventListener(type, (event) =>
      window.parleyEvents.push({ type, detail: JSON.parse(JSON.stringify(event.detail ?? null)), at: performance.now() }));
  }`;

/** A host page as a tenant would write it: one module script from the API and one element. */
export function widgetPage(apiBaseUrl: string, options: WidgetPageOptions): string {
  const attributes = Object.entries(options.attributes)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  const script = `<script type="module" src="${apiBaseUrl}/widget.js"></script>`;
  return `<!doctype html>
<html lang="${options.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<title>Host page</title>
<script>
  window.parleyScriptSrc = ${JSON.stringify(`${apiBaseUrl}/widget.js`)};
</script>
${options.withoutScript ? '' : script}
<style>
  parley-chat:not([mode="launcher"]) { display: block; height: 560px; width: 420px; }
  ${options.css ?? ''}
</style>
</head>
<body>
<main>
<h1>Host page</h1>
${options.before ?? ''}
<parley-chat${attributes}></parley-chat>
</main>
${options.after ? `<script>${options.after}</script>` : ''}
</body>
</html>`;
}

/** Adds the module script tag to a page loaded `withoutScript`, as a tenant's tag manager would. */
export async function addWidgetScript(page: Page): Promise<void> {
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = (window as unknown as { parleyScriptSrc: string }).parleyScriptSrc;
    document.head.append(script);
  });
}

export interface RecordedEvent {
  type: 'parley-ready' | 'parley-error';
  detail: { code?: string; message?: string } | null;
  at: number;
}

export const recordedEvents = (page: Page): Promise<RecordedEvent[]> =>
  page.evaluate(() => (window as unknown as { parleyEvents: RecordedEvent[] }).parleyEvents);

/** Waits for `parley-ready` (failing at once on `parley-error`). */
export async function waitForReady(page: Page, count = 1, timeoutMs = PAGE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await recordedEvents(page);
    const error = events.find((event) => event.type === 'parley-error');
    if (error) throw new Error(`parley-error before ready: ${JSON.stringify(error.detail)}`);
    if (events.filter((event) => event.type === 'parley-ready').length >= count) return;
    if (Date.now() > deadline) throw new Error(`no parley-ready within ${timeoutMs} ms`);
    await page.waitForTimeout(50);
  }
}

/** The widget's first `parley-error` event, waited for within a bound. */
export function waitForError(page: Page, timeoutMs = 15_000): Promise<RecordedEvent> {
  return eventually(async () => {
    const found = (await recordedEvents(page)).find((event) => event.type === 'parley-error');
    expect(found, 'a parley-error event').toBeDefined();
    return found!;
  }, timeoutMs);
}

/** `eventually` with the longer default bound a page needs. */
export const eventually = <T>(check: () => T | Promise<T>, timeoutMs = 10_000) => waitUntil(check, timeoutMs);

/** A locator's visible text, or '' when it matches nothing or nothing visible. */
export async function textOf(locator: Locator): Promise<string> {
  if ((await locator.count()) === 0) return '';
  const first = locator.first();
  return (await first.isVisible()) ? (await first.innerText()).trim() : '';
}

/** Every element in the page whose selector matches, through open shadow roots at any depth. */
export function deepCount(page: Page, selector: string): Promise<number> {
  return page.evaluate((selector) => {
    let count = 0;
    const visit = (root: any): void => {
      count += root.querySelectorAll(selector).length;
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) visit(element.shadowRoot);
    };
    visit(document);
    return count;
  }, selector);
}

/** The widget's locators, per its DOM contract (Playwright's CSS pierces open shadow roots). */
export function widget(page: Page) {
  return {
    base: page.locator('[part="base"]').first(),
    chatList: page.locator('[part="chat-list"]'),
    chatItems: page.locator('[part="chat-item"]'),
    messages: page.locator('[part="messages"]'),
    message: page.locator('[part="message"]'),
    messageTexts: page.locator('[part="message-text"]'),
    mine: page.locator('[part="message"][data-mine="true"]'),
    typing: page.locator('[part="typing"]'),
    input: page.locator('textarea[part="input"]'),
    send: page.locator('button[part="send"]'),
    attach: page.locator('button[part="attach"]'),
    uploadProgress: page.locator('progress[part="upload-progress"]'),
    images: page.locator('img[part="attachment-image"]'),
    back: page.locator('[aria-label="Back to conversations"]'),
    launcher: page.locator('button[part="launcher"]'),
    launcherBadge: page.locator('[part="launcher-badge"]'),
    panel: page.locator('[part="panel"]'),
    error: page.locator('[part="error"]'),
    empty: page.locator('[part="empty"]'),
    banner: page.locator('[part="banner"]'),
    announcer: page.locator('[part="announcer"]'),
  };
}

/** The texts of the shown messages, in order. */
export async function messageTexts(page: Page): Promise<string[]> {
  return (await widget(page).messageTexts.allInnerTexts()).map((text) => text.trim());
}

/** A tiny loopback server for host pages; its origin is what the tenant allows. */
export interface PageServer {
  origin: string;
  /** Serves `html` at `path` (e.g. `/chat-alice.html`) and answers the URL. */
  serve(path: string, html: string): string;
  /** Answers `path` with what `answer` gives, as a tenant's backend would (e.g. a token endpoint). */
  route(path: string, answer: () => Promise<{ type: string; body: string }>): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const routes = new Map<string, () => Promise<{ type: string; body: string }>>();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const html = pages.get(path);
    const route = routes.get(path);
    if (html !== undefined) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (route) {
      route().then(
        ({ type, body }) => response.writeHead(200, { 'content-type': type }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (path === '/favicon.ico') response.writeHead(204).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    serve: (path, html) => {
      pages.set(path, html);
      return origin + path;
    },
    route: (path, answer) => {
      routes.set(path, answer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One browser test file's world: a real API, a tenant allowing the page server, Chromium. */
export interface WidgetWorld {
  app: TestApp;
  tenant: TestTenant;
  pages: PageServer;
  browser: Browser;
  /** Upserts users with display names (`{ alice: 'Alice' }`). */
  users(names: Record<string, string>): Promise<void>;
  /** The one direct chat of two users, opened with the secret key. */
  directChat(a: string, b: string): Promise<string>;
  /** Sends as a user with the secret key (`X-On-Behalf-Of`). */
  sendAs(userId: string, chatId: string, text: string): Promise<{ id: string; seq: number }>;
  /** A fresh context (its own storage: another person) with a bounded default timeout. */
  context(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  /** A page in a context that records console errors and dialogs. */
  open(context: BrowserContext, url: string): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  dialogs: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

export async function startWidgetWorld(options: TestAppOptions = {}): Promise<WidgetWorld> {
  const built = join(repositoryRoot(), WIDGET_BUILD_PATH);
  expect(existsSync(built), `${built} is missing: run npx vite build -c widget/vite.config.ts`).toBe(true);
  mkdirSync(ARTIFACTS, { recursive: true });
  const pages = await startPageServer();
  // A known port: the signed file URLs the server generates must reach it from the browser.
  const app = await startTestApp({ port: await freePort(), ...options });
  const tenant = await createTenant(app, { allowedOrigins: [pages.origin] });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  let sent = 0;
  return {
    app,
    tenant,
    pages,
    browser,
    users: async (names) => {
      for (const [id, name] of Object.entries(names)) await upsertUser(tenant.server(), id, { name });
    },
    directChat: async (a, b) => {
      const reply = await tenant.server()('POST', '/v1/chats', { kind: 'direct', members: [a, b] });
      expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
      return reply.body.id as string;
    },
    sendAs: async (userId, chatId, text) => {
      const reply = await tenant.server(userId)('POST', `/v1/chats/${chatId}/messages`, {
        clientId: `server-${++sent}`,
        text,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body as { id: string; seq: number };
    },
    context: async (contextOptions) => {
      const context = await browser.newContext(contextOptions);
      context.setDefaultTimeout(PAGE_TIMEOUT_MS);
      contexts.push(context);
      return context;
    },
    open: async (context, url) => {
      const page = await context.newPage();
      const watched: WatchedPage = { page, dialogs: [], consoleErrors: [], pageErrors: [] };
      page.on('dialog', (dialog) => {
        watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss().catch(() => undefined);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') watched.consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => watched.pageErrors.push(error.message));
      await page.addInitScript(EVENT_RECORDER);
      await page.goto(url);
      return watched;
    },
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await pages.close();
      await app.close();
    },
  };
}

/** axe-core's browser build, injected into pages as a script. */
export function axeSource(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

/** Runs axe on the widget element (its open shadow DOM included) and answers the violations. */
export async function axeViolations(page: Page, selector = 'parley-chat'): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async (selector) => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: AxeViolation[]; passes: { id: string }[] }>;
        };
      }
    ).axe;
    const { violations, passes } = await axe.run(
      { include: [[selector]] },
      {
        resultTypes: ['violations'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      },
    );
    // Proof that axe looked inside the shadow root: the widget's buttons (only there) were checked.
    if (!passes.some(({ id }) => id === 'button-name'))
      return [{ id: 'no-buttons-checked', impact: null, help: 'axe saw no button in the widget', nodes: [] }];
    return violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact: impact ?? null,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  }, selector);
}

/** A 16×16 PNG (sharp draws it), for paste and drop. */
export async function smallPng(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .png()
    .toBuffer();
}
