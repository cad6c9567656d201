import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium } from '../support/chromium.js';

/** Fills one scheme of Swagger UI's "Authorize" dialog. */
async function authorize(page: Page, values: Record<string, string>): Promise<void> {
  await page.locator('.auth-wrapper .authorize').click();
  for (const [scheme, value] of Object.entries(values)) {
    const container = page.locator('.auth-container', {
      has: page.locator('h4 code', { hasText: new RegExp(`^${scheme}$`) }),
    });
    await container.locator('input').fill(value);
    await container.locator('button.authorize').click();
  }
  await page.locator('.dialog-ux .close-modal').click();
}

/** Runs an operation from the console and answers the status it shows and the body text. */
async function run(page: Page, method: string, path: string): Promise<{ status: string; body: string }> {
  const operation = page.locator(`.opblock-${method.toLowerCase()}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await operation.locator('.opblock-summary-control').click();
  await operation.getByRole('button', { name: 'Execute' }).click();
  const live = operation.locator('.live-responses-table');
  await live.waitFor();
  const status = (await live.locator('tbody .response-col_status').first().textContent())!.trim();
  const body = (await live.locator('tbody .response-col_description pre').first().textContent()) ?? '';
  return { status, body };
}

describe('the console at /docs', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let browser: Browser | undefined;

  beforeAll(async () => {
    app = await startTestApp();
    // The console calls from the server's own origin, which the publishable key must allow.
    tenant = await createTenant(app, { name: 'Console Co', allowedOrigins: [app.baseUrl] });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lets a tenant admin authorise with the secret key and try a call, loading nothing from elsewhere', async () => {
    const page = await browser!.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(app.baseUrl)) elsewhere.push(request.url());
    });
    await page.goto(`${app.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor();
    await authorize(page, { secretKey: tenant.secretKey });
    const answer = await run(page, 'GET', '/v1/tenant');
    expect(answer.status).toBe('200');
    expect(answer.body).toContain('Console Co');
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 60_000);

  it('lets a user try a call with the publishable key and a user token', async () => {
    const page = await browser!.newPage();
    await page.goto(`${app.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor();
    await authorize(page, { publishableKey: tenant.publishableKey, userToken: await tenant.token('ada') });
    const answer = await run(page, 'GET', '/v1/chats');
    expect(answer.status).toBe('200');
    expect(JSON.parse(answer.body)).toEqual({ data: [], nextCursor: null });
    await page.close();
  }, 60_000);
});
