import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepCount,
  eventually,
  messageTexts,
  recordedEvents,
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
declare const DataTransfer: any, ClipboardEvent: any;

/**
 * Two people in two browser contexts, each with the widget on a host page of another origin,
 * against a real API: messages, typing, read ticks, pasted images, and text that must stay text.
 */
describe('the widget between two people', () => {
  let world: WidgetWorld;
  let chatId: string;
  let alice: WatchedPage;
  let bob: WatchedPage;

  const statusOf = async (page: Page, text: string): Promise<string | null> =>
    widget(page).mine.filter({ hasText: text }).last().locator('[part="status"]').getAttribute('data-status');

  beforeAll(async () => {
    world = await startWidgetWorld();
    await world.users({ alice: 'Alice', bob: 'Bob' });
    chatId = await world.directChat('alice', 'bob');
    const { tenant, pages, app } = world;
    // Alice opens the chat directly; Bob starts on his list of conversations.
    const aliceUrl = pages.serve(
      '/alice.html',
      widgetPage(app.baseUrl, {
        attributes: {
          'api-key': tenant.publishableKey,
          'user-token': await tenant.token('alice'),
          'chat-id': chatId,
        },
      }),
    );
    const bobUrl = pages.serve(
      '/bob.html',
      widgetPage(app.baseUrl, {
        attributes: { 'api-key': tenant.publishableKey, 'user-token': await tenant.token('bob') },
      }),
    );
    alice = await world.open(await world.context(), aliceUrl);
    bob = await world.open(await world.context(), bobUrl);
    await Promise.all([waitForReady(alice.page), waitForReady(bob.page)]);
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  it('opens the chat named by chat-id for one, and the conversation list for the other', async () => {
    await widget(alice.page).messages.waitFor();
    expect(await widget(alice.page).messages.getAttribute('role')).toBe('log');
    expect(await widget(alice.page).messages.getAttribute('aria-label')).toBe('Messages');
    const list = widget(bob.page).chatList;
    await list.waitFor();
    expect(await list.getAttribute('role')).toBe('list');
    expect(await list.getAttribute('aria-label')).toBe('Conversations');
    const item = widget(bob.page).chatItems.and(bob.page.locator(`[data-chat-id="${chatId}"]`));
    await item.waitFor();
    expect(await item.innerText()).toContain('Alice');
    // Alice is connected: Bob's list shows her online.
    await eventually(async () =>
      expect(await item.locator('[part="presence"]').getAttribute('data-online')).toBe('true'),
    );
  }, 30_000);

  it('delivers a message typed in one to the other; unread badge, then read ticks when opened', async () => {
    const { input } = widget(alice.page);
    await input.fill('Hello Bob, from Alice');
    await input.press('Enter');
    // Local echo at once, then the server's answer.
    await widget(alice.page).mine.filter({ hasText: 'Hello Bob, from Alice' }).waitFor();
    expect(await input.inputValue()).toBe('');
    await eventually(async () =>
      expect(await statusOf(alice.page, 'Hello Bob, from Alice')).toMatch(/^(sent|delivered)$/),
    );

    // Bob is still on his list: a badge with one unread message, and no read tick for Alice yet.
    const item = bob.page.locator(`[part="chat-item"][data-chat-id="${chatId}"]`);
    await eventually(async () => expect(await textOf(item.locator('[part="unread-badge"]'))).toBe('1'));
    await eventually(async () =>
      expect(await statusOf(alice.page, 'Hello Bob, from Alice')).toBe('delivered'),
    );

    await item.click();
    await eventually(async () => expect(await messageTexts(bob.page)).toContain('Hello Bob, from Alice'));
    const shown = widget(bob.page).message.filter({ hasText: 'Hello Bob, from Alice' });
    expect(await shown.getAttribute('data-mine')).not.toBe('true');
    expect(Number(await shown.getAttribute('data-seq'))).toBeGreaterThan(0);
    expect(await shown.getAttribute('data-message-id')).toBeTruthy();
    // Opening the chat reads it: Alice's tick turns.
    await eventually(async () => expect(await statusOf(alice.page, 'Hello Bob, from Alice')).toBe('read'));
    // And Bob has a way back to his list.
    expect(await widget(bob.page).back.count()).toBe(1);
  }, 60_000);

  it('shows the typing indicator while the other types, and clears it', async () => {
    await widget(bob.page).input.pressSequentially('Hi Al', { delay: 30 });
    await eventually(async () => expect(await textOf(widget(alice.page).typing)).toMatch(/^Bob is typing/));
    expect(await widget(alice.page).typing.first().getAttribute('role')).toBe('status');
    await widget(bob.page).input.pressSequentially('ice', { delay: 30 });
    await widget(bob.page).input.press('Enter');
    await eventually(async () => expect(await messageTexts(alice.page)).toContain('Hi Alice'));
    // Sending stops typing (at the latest, typing expires after 5 s).
    await eventually(async () => expect(await textOf(widget(alice.page).typing)).toBe(''), 8_000);
    const hisOnAlice = widget(alice.page).message.filter({ hasText: 'Hi Alice' });
    expect(await hisOnAlice.getAttribute('data-mine')).not.toBe('true');
  }, 45_000);

  it('uploads an image pasted into the composer and shows it to the other', async () => {
    const png = (await smallPng()).toString('base64');
    await widget(alice.page).input.evaluate((textarea, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted-dot.png', { type: 'image/png' }));
      textarea.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }),
      );
    }, png);
    // A paste either sends at once or stages the file for Send: press Send once the upload is done.
    let pressedSend = false;
    await eventually(async () => {
      if ((await widget(alice.page).images.count()) > 0) return;
      if (!pressedSend && (await widget(alice.page).uploadProgress.count()) === 0) {
        const send = widget(alice.page).send;
        if (await send.isEnabled()) {
          await send.click();
          pressedSend = true;
        }
      }
      throw new Error('no image on the sender side yet');
    }, 15_000);
    const received = widget(bob.page).images.and(bob.page.locator('[alt="pasted-dot.png"]'));
    await received.waitFor();
    // It loads (a signed URL of the API's, from the page's origin).
    await eventually(async () => {
      const { width, src } = await received.evaluate((img: any) => ({
        width: img.naturalWidth,
        src: img.src,
      }));
      expect(width, `image ${src} did not load`).toBe(16);
    });
  }, 45_000);

  it('shows markup in a message as literal text and runs nothing', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await widget(alice.page).input.fill(hostile);
    await widget(alice.page).send.click();
    await eventually(async () => expect(await messageTexts(bob.page)).toContain(hostile));
    await eventually(async () => expect(await messageTexts(alice.page)).toContain(hostile));
    // Also when it arrives over the API rather than from a widget.
    await world.sendAs('bob', chatId, '<b onmouseover=alert(3)>bold?</b>');
    await eventually(async () =>
      expect(await messageTexts(alice.page)).toContain('<b onmouseover=alert(3)>bold?</b>'),
    );
    // Only http(s) URLs become links.
    await world.sendAs('bob', chatId, 'javascript:alert(4) and https://example.com/ok');
    await eventually(async () =>
      expect(await messageTexts(alice.page)).toContain('javascript:alert(4) and https://example.com/ok'),
    );
    expect(await deepCount(alice.page, 'a[href="https://example.com/ok"][rel~="noopener"]')).toBe(1);
    for (const { page, dialogs } of [alice, bob]) {
      expect(await deepCount(page, 'a[href^="javascript:" i]')).toBe(0);
      expect(await deepCount(page, 'img[src="x"]')).toBe(0);
      expect(await deepCount(page, '[part="message-text"] script')).toBe(0);
      expect(await deepCount(page, '[part="message-text"] b')).toBe(0);
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
    }
  }, 45_000);

  it('raised no errors in either page', async () => {
    for (const watched of [alice, bob]) {
      expect(watched.pageErrors).toEqual([]);
      expect((await recordedEvents(watched.page)).filter((event) => event.type === 'parley-error')).toEqual(
        [],
      );
    }
  });
});
