import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserToken } from '@parley/tenancy';
import { DemoPageService } from '@parley/widget-host';
import { createTenant, upsertUser } from '../factories/tenants.js';
import {
  addWidgetScript,
  ARTIFACTS,
  axeViolations,
  eventually,
  messageTexts,
  recordedEvents,
  waitForError,
  startWidgetWorld,
  textOf,
  waitForReady,
  widget,
  widgetPage,
  type WidgetPageOptions,
  type WidgetWorld,
} from './support.js';

// Page functions run in Chromium, with its globals; the project's types have no DOM lib.
declare const document: any, getComputedStyle: any;

const RED = 'rgb(255, 0, 0)';

/**
 * The widget on a host page: style isolation both ways, accessibility (axe) and screenshots of each
 * view in light and dark, the launcher, languages, refusals, and the embedded default's demo page.
 */
describe('the widget on a host page', () => {
  let world: WidgetWorld;
  let chatId: string;

  /** A host page of `user`'s on the page server, ready (unless the script is left out). */
  async function hostPage(
    user: string,
    name: string,
    extra: Partial<WidgetPageOptions> & { attributes?: Record<string, string> } = {},
    contextOptions: Parameters<WidgetWorld['context']>[0] = {},
  ): Promise<Page> {
    const url = world.pages.serve(
      `/${name}.html`,
      widgetPage(world.app.baseUrl, {
        ...extra,
        attributes: {
          'api-key': world.tenant.publishableKey,
          'user-token': await world.tenant.token(user),
          ...extra.attributes,
        },
      }),
    );
    const { page } = await world.open(await world.context(contextOptions), url);
    if (!extra.withoutScript) await waitForReady(page);
    return page;
  }

  beforeAll(async () => {
    world = await startWidgetWorld();
    await world.users({ carol: 'Carol', dave: 'Dave', erin: 'Erin', frank: 'Frank' });
    chatId = await world.directChat('carol', 'dave');
    await world.sendAs('erin', await world.directChat('carol', 'erin'), 'Erin says hi');
    for (let i = 1; i <= 3; i++) await world.sendAs('dave', chatId, `Dave's message ${i}`);
    await world.sendAs('carol', chatId, 'Carol answers');
    // Frank only ever opens the launcher, so his four messages stay unread.
    for (let i = 1; i <= 3; i++)
      await world.sendAs('dave', await world.directChat('frank', 'dave'), `For Frank ${i}`);
    await world.sendAs('erin', await world.directChat('frank', 'erin'), 'Erin to Frank');
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  it("keeps the host's CSS out, and its own styles in", async () => {
    const page = await hostPage('carol', 'isolation', {
      withoutScript: true,
      attributes: { 'chat-id': chatId },
      css: '* { color: red !important; } p.host { font: italic 17px/1.7 Georgia, serif; letter-spacing: 1px; }',
      before: '<p class="host">A paragraph of the host page.</p><button class="host">Host button</button>',
    });
    const hostStyle = (selector: string) =>
      page.locator(selector).evaluate((element) => {
        const style = getComputedStyle(element);
        return {
          color: style.color,
          font: style.font,
          letterSpacing: style.letterSpacing,
          margin: style.margin,
          padding: style.padding,
          background: style.backgroundColor,
          border: style.border,
        };
      });
    const before = { p: await hostStyle('p.host'), button: await hostStyle('button.host') };
    await addWidgetScript(page);
    await waitForReady(page);
    await eventually(async () => expect(await messageTexts(page)).toContain('Carol answers'));
    // The host's `* { color: red !important }` reaches no text inside the widget.
    const colours = await widget(page).messageTexts.evaluateAll((elements) =>
      elements.map((element) => getComputedStyle(element).color),
    );
    expect(colours.length).toBeGreaterThan(0);
    expect(colours.filter((colour) => colour === RED)).toEqual([]);
    expect(await widget(page).input.evaluate((element) => getComputedStyle(element).color)).not.toBe(RED);
    // Nothing of the widget's reaches the host's own elements.
    expect({ p: await hostStyle('p.host'), button: await hostStyle('button.host') }).toEqual(before);
    // Its styles live in its shadow root: the document gained no style sheet.
    expect(await page.evaluate(() => document.styleSheets.length)).toBe(1);
  }, 45_000);

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no axe violations in the list and chat views (${scheme}), and screenshots them`, async () => {
      const page = await hostPage('carol', `views-${scheme}`, { attributes: { theme: scheme } });
      expect(await widget(page).base.getAttribute('data-scheme')).toBe(scheme);
      await widget(page).chatItems.first().waitFor();
      await eventually(async () => expect(await widget(page).chatItems.count()).toBe(2));
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `widget-list-${scheme}.png`) });

      await page.locator(`[part="chat-item"][data-chat-id="${chatId}"]`).click();
      await eventually(async () => expect(await messageTexts(page)).toContain('Carol answers'));
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `widget-chat-${scheme}.png`) });

      // Back to the list, by keyboard.
      await widget(page).back.focus();
      await page.keyboard.press('Enter');
      await widget(page).chatList.waitFor();
    }, 60_000);
  }

  it('follows the system colour scheme with theme="auto"', async () => {
    const page = await hostPage(
      'carol',
      'auto-dark',
      { attributes: { theme: 'auto' } },
      { colorScheme: 'dark' },
    );
    expect(await widget(page).base.getAttribute('data-scheme')).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await eventually(async () => expect(await widget(page).base.getAttribute('data-scheme')).toBe('light'));
  }, 30_000);

  it('speaks another language, and lays out right to left in Arabic', async () => {
    const german = await hostPage('carol', 'lang-de', { attributes: { lang: 'de', 'chat-id': chatId } });
    await widget(german).input.waitFor();
    expect(await widget(german).input.getAttribute('aria-label')).not.toBe('Message');
    expect(await widget(german).base.evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    const arabic = await hostPage('carol', 'lang-ar', { attributes: { lang: 'ar', 'chat-id': chatId } });
    await widget(arabic).input.waitFor();
    expect(await widget(arabic).input.getAttribute('aria-label')).not.toBe('Message');
    expect(await widget(arabic).base.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    expect(await axeViolations(arabic)).toEqual([]);
  }, 45_000);

  describe('launcher mode', () => {
    for (const scheme of ['light', 'dark'] as const) {
      it(`shows the unread count, opens and closes, has no axe violations (${scheme})`, async () => {
        const page = await hostPage('frank', `launcher-${scheme}`, {
          attributes: { mode: 'launcher', theme: scheme },
        });
        const { launcher, launcherBadge, panel } = widget(page);
        await launcher.waitFor();
        expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
        expect(await launcher.getAttribute('aria-expanded')).toBe('false');
        // Dave's three and Erin's one are unread for Frank.
        await eventually(async () => expect(await textOf(launcherBadge)).toBe('4'));
        expect(await panel.isVisible()).toBe(false);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: join(ARTIFACTS, `widget-launcher-closed-${scheme}.png`) });

        await launcher.click();
        await panel.waitFor({ state: 'visible' });
        expect(await panel.getAttribute('role')).toBe('dialog');
        expect(await panel.getAttribute('aria-label')).toBe('Chat');
        expect(await launcher.getAttribute('aria-expanded')).toBe('true');
        await widget(page).chatItems.first().waitFor();
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: join(ARTIFACTS, `widget-launcher-open-${scheme}.png`) });

        // Escape closes it and gives focus back to the launcher.
        await widget(page).chatItems.first().focus();
        await page.keyboard.press('Escape');
        await panel.waitFor({ state: 'hidden' });
        expect(await launcher.getAttribute('aria-expanded')).toBe('false');
        expect(await launcher.evaluate((element) => element.matches(':focus'))).toBe(true);
      }, 60_000);
    }

    it('remembers whether it was open across a reload', async () => {
      const page = await hostPage('frank', 'launcher-memory', { attributes: { mode: 'launcher' } });
      const { launcher, panel } = widget(page);
      await launcher.click();
      await panel.waitFor({ state: 'visible' });
      await page.reload();
      await waitForReady(page);
      await panel.waitFor({ state: 'visible' });
      expect(await launcher.getAttribute('aria-expanded')).toBe('true');
      await launcher.click();
      await panel.waitFor({ state: 'hidden' });
      await page.reload();
      await waitForReady(page);
      await launcher.waitFor();
      await page.waitForTimeout(300);
      expect(await panel.isVisible()).toBe(false);
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    }, 45_000);
  });

  describe('refusals', () => {
    /** A page whose widget must fail: `parley-error` with this code, and the error shown with role=alert. */
    async function expectRefused(name: string, attributes: Record<string, string>, code: string) {
      const page = await hostPage('carol', name, { withoutScript: true, attributes });
      await addWidgetScript(page);
      const error = await waitForError(page);
      expect(error.detail).toMatchObject({ code, message: expect.any(String) });
      await widget(page).error.waitFor();
      expect(await widget(page).error.getAttribute('role')).toBe('alert');
      expect((await recordedEvents(page)).some((event) => event.type === 'parley-ready')).toBe(false);
    }

    it("refuses a token signed by another tenant's secret", async () => {
      const other = await createTenant(world.app, { allowedOrigins: [world.pages.origin] });
      await expectRefused('foreign-token', { 'user-token': await other.token('carol') }, 'unauthenticated');
    }, 30_000);

    it('refuses a page whose origin the tenant does not allow', async () => {
      const closed = await createTenant(world.app, { allowedOrigins: ['https://elsewhere.example'] });
      await expectRefused(
        'origin-refused',
        { 'api-key': closed.publishableKey, 'user-token': await closed.token('carol') },
        'origin_not_allowed',
      );
    }, 30_000);

    it("shows nothing of another tenant's chat named by chat-id", async () => {
      const other = await createTenant(world.app, { allowedOrigins: [world.pages.origin] });
      await upsertUser(other.server(), 'carol');
      await upsertUser(other.server(), 'mallory');
      const foreign = await other.server()('POST', '/v1/chats', {
        kind: 'direct',
        members: ['carol', 'mallory'],
      });
      await other.server('mallory')('POST', `/v1/chats/${foreign.body.id}/messages`, {
        clientId: 'secret',
        text: 'A secret of the other tenant',
      });
      const page = await hostPage('carol', 'foreign-chat', {
        withoutScript: true,
        attributes: { 'chat-id': foreign.body.id },
      });
      await addWidgetScript(page);
      const error = await waitForError(page);
      expect(error.detail).toMatchObject({ code: 'not_found' });
      await widget(page).error.waitFor();
      expect(await widget(page).message.count()).toBe(0);
      expect(await page.locator('parley-chat').innerText()).not.toContain('secret');
    }, 30_000);

    it('refuses a malformed or expired token', async () => {
      await expectRefused('garbage-token', { 'user-token': 'not-a-token' }, 'unauthenticated');
      const expired = await signUserToken(world.tenant.secretKey, 'carol', -60);
      await expectRefused('expired-token', { 'user-token': expired.token }, 'unauthenticated');
    }, 45_000);
  });

  it('asks a token provider for its tokens when the page gives one instead of user-token', async () => {
    let calls = 0;
    world.pages.route('/api/parley-token', async () => {
      calls++;
      return { type: 'text/plain', body: await world.tenant.token('carol') };
    });
    const page = await hostPage('carol', 'token-provider', {
      attributes: { 'user-token': '' },
      after: `document.querySelector('parley-chat').tokenProvider = async () => (await fetch('/api/parley-token')).text();`,
    });
    await widget(page).chatItems.first().waitFor();
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => document.querySelector('parley-chat').client?.userId)).toBe('carol');
  }, 30_000);

  describe('guest mode', () => {
    it('signs a visitor in as a guest with the publishable key alone, and keeps them across a reload', async () => {
      const open = await createTenant(world.app, { allowedOrigins: [world.pages.origin], guestAccess: true });
      const url = world.pages.serve(
        '/guest.html',
        widgetPage(world.app.baseUrl, {
          attributes: {
            'api-key': open.publishableKey,
            guest: '',
            'guest-name': 'Visitor',
            mode: 'launcher',
          },
        }),
      );
      const { page } = await world.open(await world.context(), url);
      await waitForReady(page);
      const userId = () =>
        page.evaluate(() => document.querySelector('parley-chat').client?.userId as string);
      const first = await userId();
      expect(first).toMatch(/^guest-/);
      await widget(page).launcher.click();
      await widget(page).empty.waitFor();
      await page.reload();
      await waitForReady(page);
      expect(await userId()).toBe(first);
    }, 45_000);

    it('refuses guests where the tenant does not allow them', async () => {
      const closed = await createTenant(world.app, {
        allowedOrigins: [world.pages.origin],
        guestAccess: false,
      });
      const page = await hostPage('carol', 'guest-refused', {
        withoutScript: true,
        attributes: { 'api-key': closed.publishableKey, 'user-token': '', guest: '' },
      });
      await addWidgetScript(page);
      const error = await waitForError(page);
      expect(error.detail).toMatchObject({ code: 'forbidden' });
      await widget(page).error.waitFor();
    }, 30_000);
  });

  it('runs the demo page at / of a demo app: Alice and Bob side by side, and the launcher', async () => {
    const { app } = world;
    // The demo tenant allows the API's own origin, as the embedded default's does.
    const demo = await createTenant(app, { allowedOrigins: [app.baseUrl] });
    app.app.get(DemoPageService).enable(demo);
    const context = await world.context({ viewport: { width: 1280, height: 1000 } });
    const { page, pageErrors } = await world.open(context, `${app.baseUrl}/`);
    await waitForReady(page, 3);
    const [aliceSide, bobSide] = [page.locator('section').nth(0), page.locator('section').nth(1)];
    await aliceSide.locator('textarea[part="input"]').fill('Hello from the demo page');
    await aliceSide.locator('textarea[part="input"]').press('Enter');
    await eventually(async () =>
      expect(await bobSide.locator('[part="message-text"]').allInnerTexts()).toContain(
        'Hello from the demo page',
      ),
    );
    await page.locator('parley-chat[mode="launcher"] button[part="launcher"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'demo-page.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
