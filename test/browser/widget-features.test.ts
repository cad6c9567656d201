import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  messageTexts,
  smallPng,
  startWidgetWorld,
  textOf,
  waitForReady,
  widget,
  widgetPage,
  type WatchedPage,
  type WidgetWorld,
} from './support.js';

// Page functions run in Chromium, with its globals; the project's types have no DOM lib.
declare const DataTransfer: any, DragEvent: any;

/**
 * The rest of the widget's DOM contract against a real API: history paging, day separators,
 * replies and reactions made elsewhere, the attach button and drop, the live region, the reconnect
 * banner and the empty states.
 */
describe('the widget in one chat', () => {
  let world: WidgetWorld;
  let chatId: string;
  let grace: WatchedPage;
  const HISTORY = 120;

  beforeAll(async () => {
    // The history is seeded faster than a person types.
    world = await startWidgetWorld({ env: { PARLEY_RATE_LIMITS: 'off' } });
    await world.users({ grace: 'Grace', heidi: 'Heidi', ivan: 'Ivan' });
    chatId = await world.directChat('grace', 'heidi');
    for (let i = 1; i <= HISTORY; i++) await world.sendAs(i % 3 ? 'heidi' : 'grace', chatId, `History ${i}`);
    const url = world.pages.serve(
      '/grace.html',
      widgetPage(world.app.baseUrl, {
        attributes: {
          'api-key': world.tenant.publishableKey,
          'user-token': await world.tenant.token('grace'),
          'chat-id': chatId,
        },
      }),
    );
    grace = await world.open(await world.context(), url);
    await waitForReady(grace.page);
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('shows the newest messages first, in seq order, and loads older ones when scrolled up', async () => {
    const { page } = grace;
    await eventually(async () => expect(await messageTexts(page)).toContain(`History ${HISTORY}`));
    const seqs = async () =>
      (
        await widget(page).message.evaluateAll((rows) => rows.map((row: any) => Number(row.dataset.seq)))
      ).filter((seq) => seq > 0);
    const first = await seqs();
    expect(first).toEqual([...first].sort((a, b) => a - b));
    // Not the whole history at once.
    expect(first.length).toBeLessThan(HISTORY);
    expect(await messageTexts(page)).not.toContain('History 1');
    expect(
      await widget(page)
        .message.filter({ hasText: `History ${HISTORY}` })
        .getAttribute('data-mine'),
    ).toBe(HISTORY % 3 ? null : 'true');
    // Scroll to the top until the first message has arrived (bounded).
    await eventually(async () => {
      await widget(page).messages.evaluate((log: any) => {
        log.scrollTop = 0;
        log.dispatchEvent(new Event('scroll'));
      });
      expect(await messageTexts(page)).toContain('History 1');
    }, 20_000);
    const top = await seqs();
    expect(top).toEqual([...top].sort((a, b) => a - b));
    expect(Math.min(...top)).toBe(1);
    // Every message is from today: one separator, above the first.
    expect(await textOf(page.locator('[part="day-separator"]'))).not.toBe('');
    // Back to the end, where the view follows new messages.
    await eventually(async () => {
      await widget(page).messages.evaluate((log: any) => {
        log.scrollTop = log.scrollHeight;
        log.dispatchEvent(new Event('scroll'));
      });
      expect(await messageTexts(page)).toContain(`History ${HISTORY}`);
    });
  }, 45_000);

  it('shows a reply with its quote, and reactions made by the other person', async () => {
    const { page } = grace;
    const original = await world.sendAs('grace', chatId, 'Shall we meet at noon?');
    const reply = await world.tenant.server('heidi')('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'reply-1',
      text: 'Noon works',
      replyTo: original.id,
    });
    expect(reply.status).toBe(201);
    const answered = await world.tenant.server('heidi')(
      'PUT',
      `/v1/chats/${chatId}/messages/${original.id}/reactions/${encodeURIComponent('👍')}`,
    );
    expect(answered.status).toBeLessThan(300);
    const replyRow = widget(page).message.filter({ hasText: 'Noon works' });
    await replyRow.waitFor();
    await eventually(async () =>
      expect(await textOf(replyRow.locator('[part="reply-quote"]'))).toContain('Shall we meet at noon?'),
    );
    const originalRow = widget(page).message.filter({ hasText: 'Shall we meet at noon?' }).first();
    await eventually(async () =>
      expect(await textOf(originalRow.locator('[part="reactions"]'))).toContain('👍'),
    );
  }, 30_000);

  it('announces a new message from the other person in the polite live region', async () => {
    const { page } = grace;
    expect(await widget(page).announcer.getAttribute('aria-live')).toBe('polite');
    await world.sendAs('heidi', chatId, 'Are you there, Grace?');
    await eventually(async () =>
      expect(await widget(page).announcer.textContent()).toContain('Are you there, Grace?'),
    );
  }, 30_000);

  it('sends a file picked with the attach button, and one dropped on the messages', async () => {
    const { page } = grace;
    const png = await smallPng();
    expect(await widget(page).attach.getAttribute('aria-label')).toBe('Attach a file');
    const chooser = page.waitForEvent('filechooser');
    await widget(page).attach.click();
    await (await chooser).setFiles({ name: 'picked.png', mimeType: 'image/png', buffer: png });
    await page.locator('img[part="attachment-image"][alt="picked.png"]').waitFor();

    await widget(page).messages.evaluate((log: any, base64: string) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      for (const type of ['dragenter', 'dragover', 'drop'])
        log.dispatchEvent(
          new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true, composed: true }),
        );
    }, png.toString('base64'));
    await page.locator('img[part="attachment-image"][alt="dropped.png"]').waitFor();
    // Both reach the server as messages with attachments.
    await eventually(async () => {
      const history = await world.tenant.server('grace')('GET', `/v1/chats/${chatId}/messages?limit=10`);
      const names = history.body.data.flatMap((m: { attachments: { name: string }[] }) =>
        m.attachments.map((a) => a.name),
      );
      expect(names).toEqual(expect.arrayContaining(['picked.png', 'dropped.png']));
    });
  }, 45_000);

  it('shows the reconnect banner while offline, sends what was typed meanwhile, and clears it', async () => {
    const { page } = grace;
    await page.context().setOffline(true);
    await eventually(async () => expect(await textOf(widget(page).banner)).not.toBe(''), 20_000);
    expect(await widget(page).banner.getAttribute('role')).toBe('status');
    await widget(page).input.fill('Typed while offline');
    await widget(page).input.press('Enter');
    await page.context().setOffline(false);
    // The SDK retries with backoff: allow for a few attempts.
    await eventually(async () => expect(await textOf(widget(page).banner)).toBe(''), 30_000);
    const row = widget(page).mine.filter({ hasText: 'Typed while offline' });
    await eventually(
      async () =>
        expect(await row.locator('[part="status"]').getAttribute('data-status')).toMatch(
          /sent|delivered|read/,
        ),
      10_000,
    );
    const history = await world.tenant.server('grace')('GET', `/v1/chats/${chatId}/messages?limit=5`);
    expect(history.body.data.filter((m: { text: string }) => m.text === 'Typed while offline')).toHaveLength(
      1,
    );
  }, 75_000);

  it('says so when a person has no conversations yet', async () => {
    const url = world.pages.serve(
      '/ivan.html',
      widgetPage(world.app.baseUrl, {
        attributes: {
          'api-key': world.tenant.publishableKey,
          'user-token': await world.tenant.token('ivan'),
        },
      }),
    );
    const { page } = await world.open(await world.context(), url);
    await waitForReady(page);
    await eventually(async () => expect(await textOf(widget(page).empty)).not.toBe(''));
    expect(await widget(page).chatItems.count()).toBe(0);
  }, 30_000);
});
