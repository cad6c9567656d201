import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyError, type ParleyClient } from '@parley/sdk';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, expectSameAsServer, newClient, serverHistory, sleep } from './support.js';

describe('SDK: the outbox', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let proxy: TcpProxy;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, { limits: { messagesPerSecond: 1_000, textLength: 200 } });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(app.baseUrl).port) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await proxy?.close();
    await app?.close();
  });

  async function connect(userId: string, through: 'direct' | 'proxy' = 'direct'): Promise<ParleyClient> {
    await upsertUser(tenant.server(), userId);
    const client = newClient(through === 'proxy' ? proxy.url(app.baseUrl) : app.baseUrl, tenant);
    clients.push(client);
    await client.connect(() => tenant.token(userId));
    return client;
  }

  it('sends what was written offline once back online: each message exactly once, in order', async () => {
    const eve = await connect('eve', 'proxy');
    const fay = await connect('fay');
    const eveChat = await eve.chats.openDirect('fay');
    const fayChat = await fay.chats.open(eveChat.id);
    await eveChat.send('while online');

    proxy.cut();
    await eventually(() => expect(eve.connectionState).not.toBe('online'));
    const texts = Array.from({ length: 10 }, (_, i) => `offline ${i}`);
    const sends = texts.map((text) => eveChat.send(text));
    expect(eveChat.getState().messages.map((m) => [m.text, m.status])).toEqual([
      ['while online', expect.stringMatching(/sent|delivered|read/)],
      ...texts.map((text) => [text, 'sending']),
    ]);
    await sleep(300); // offline a while: several reconnect attempts fail
    expect(eveChat.getState().messages.filter((m) => m.status === 'sending')).toHaveLength(10);

    proxy.restore();
    const stored = await Promise.all(sends);
    expect(stored.map((m) => m.text)).toEqual(texts);
    const history = await serverHistory(tenant, 'fay', eveChat.id);
    expect(history.map((m) => m.text)).toEqual(['while online', ...texts]);
    expect(stored.map((m) => m.seq)).toEqual([...stored.map((m) => m.seq)].sort((a, b) => a - b));
    await eventually(() =>
      expect(fayChat.getState().messages.map((m) => m.text)).toEqual(history.map((m) => m.text)),
    );
    await expectSameAsServer(eveChat, tenant, 'eve');
    await expectSameAsServer(fayChat, tenant, 'fay');
  }, 30_000);

  it('never doubles a message whose ack was lost when the connection died mid-stream', async () => {
    const gil = await connect('gil', 'proxy');
    const hal = await connect('hal');
    const gilChat = await gil.chats.openDirect('hal');
    const halChat = await hal.chats.open(gilChat.id);
    const texts = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
    // Cut the moment Hal sees the 5th message: Gil's ack for it is then on the wire, or just past it.
    const off = hal.on('message:new', ({ message }) => {
      if (message.text === 'burst 4') {
        off();
        proxy.cut();
        setTimeout(() => proxy.restore(), 200);
      }
    });
    const stored = await Promise.all(texts.map((text) => gilChat.send(text)));
    expect(stored.map((m) => m.text)).toEqual(texts);
    const history = await serverHistory(tenant, 'gil', gilChat.id);
    expect(history.map((m) => m.text)).toEqual(texts);
    expect(new Set(history.map((m) => m.clientId)).size).toBe(40);
    await eventually(() => expect(gilChat.getState().synced).toBe(true));
    await expectSameAsServer(gilChat, tenant, 'gil');
    await eventually(() => expect(halChat.getState().messages).toHaveLength(40));
    await expectSameAsServer(halChat, tenant, 'hal');
  }, 30_000);

  it('marks a message the server refuses as failed with its code, and goes on with the next', async () => {
    const ida = await connect('ida');
    await upsertUser(tenant.server(), 'jim');
    const chat = await ida.chats.openDirect('jim');
    const tooLong = chat.send('x'.repeat(201));
    const next = chat.send('short enough');
    const error = await tooLong.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'validation_failed', retryable: false });
    await next;
    const [failed, sent] = [chat.getState().messages.at(-1)!, chat.getState().messages.at(-2)!];
    expect(sent).toMatchObject({ text: 'short enough', status: 'sent' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'validation_failed' }, seq: 0 });
    // Retrying it fails the same way (same clientId); discarding forgets it.
    await expect(chat.retry(failed.clientId!)).rejects.toMatchObject({ code: 'validation_failed' });
    chat.discard(failed.clientId!);
    expect(chat.getState().messages.map((m) => m.text)).toEqual(['short enough']);
    await expectSameAsServer(chat, tenant, 'ida');
  });
});
