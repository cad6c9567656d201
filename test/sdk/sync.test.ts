import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/sdk';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, expectSameAsServer, newClient, serverHistory } from './support.js';

describe('SDK: live state and catch-up', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let proxy: TcpProxy;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, { limits: { messagesPerSecond: 1_000 } });
    const { port } = new URL(app.baseUrl);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await proxy?.close();
    await app?.close();
  });

  async function connect(userId: string, through: 'direct' | 'proxy' = 'direct'): Promise<ParleyClient> {
    await upsertUser(tenant.server(), userId);
    const baseUrl = through === 'proxy' ? proxy.url(app.baseUrl).replace(/\/$/, '') : app.baseUrl;
    const client = newClient(baseUrl, tenant);
    clients.push(client);
    await client.connect(() => tenant.token(userId));
    return client;
  }

  it('two clients chat live: echo, send states, reactions with the right `me`, receipts', async () => {
    const ann = await connect('ann');
    const ben = await connect('ben');
    const annChat = await ann.chats.openDirect('ben');
    const benChat = await ben.chats.open(annChat.id);

    const sending = annChat.send('hello ben');
    expect(annChat.getState().messages.map((m) => [m.text, m.status])).toEqual([['hello ben', 'sending']]);
    const stored = await sending;
    await eventually(() => expect(benChat.getState().messages.map((m) => m.id)).toEqual([stored.id]));
    // Ben's client reported it delivered by itself; reading it turns it read.
    await eventually(() => expect(annChat.getState().messages[0]!.status).toBe('delivered'));
    await benChat.markRead();
    await eventually(() => expect(annChat.getState().messages[0]!.status).toBe('read'));
    expect(annChat.getState().messages[0]!.key).toBe(`local:${stored.clientId}`);

    await benChat.react(stored.id, 'wave');
    await annChat.react(stored.id, 'ok');
    await eventually(() => {
      expect(annChat.getState().messages[0]!.reactions).toEqual({
        wave: { count: 1, me: false },
        ok: { count: 1, me: true },
      });
      expect(benChat.getState().messages[0]!.reactions).toEqual({
        wave: { count: 1, me: true },
        ok: { count: 1, me: false },
      });
    });
    await expectSameAsServer(annChat, tenant, 'ann');
    await expectSameAsServer(benChat, tenant, 'ben');
  });

  it('catches up after its connection is cut: 100 sends, edits, deletes and reactions missed', async () => {
    const cat = await connect('cat', 'proxy');
    const dan = await connect('dan');
    const danChat = await dan.chats.openDirect('cat');
    for (let i = 0; i < 5; i++) await danChat.send(`before ${i}`);
    const catChat = await cat.chats.open(danChat.id);
    await catChat.react(catChat.getState().messages[0]!.id, 'heart');
    await eventually(() => expect(catChat.getState().messages).toHaveLength(5));
    const states: string[] = [];
    cat.on('connection', ({ state }) => states.push(state));

    proxy.cut(); // no close frame, no disconnect packet: the TCP connections just die
    await eventually(() => expect(cat.connectionState).not.toBe('online'));
    expect(catChat.getState().synced).toBe(false);

    const sent = await Promise.all(Array.from({ length: 100 }, (_, i) => danChat.send(`missed ${i}`)));
    for (const [i, message] of sent.entries()) {
      if (i % 10 === 0) await danChat.edit(message.id, `missed ${i} (edited)`);
      if (i % 15 === 7) await danChat.delete(message.id);
      if (i % 20 === 3) await danChat.react(message.id, 'fire');
    }
    const first = catChat.getState().messages[0]!;
    await danChat.react(first.id, 'heart'); // an old message changes too
    await danChat.delete(catChat.getState().messages[1]!.id);
    expect(catChat.getState().messages).toHaveLength(5);

    proxy.restore();
    await eventually(() => expect(catChat.getState().synced).toBe(true), 15_000);
    expect(states).toContain('offline');
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('online');
    await expectSameAsServer(catChat, tenant, 'cat');
    const local = catChat.getState().messages;
    expect(local).toHaveLength(105);
    expect(local[0]!.reactions).toEqual({ heart: { count: 2, me: true } });
    expect(local.filter((m) => m.deletedAt)).toHaveLength(7 + 1);
    expect(local.filter((m) => m.text?.endsWith('(edited)'))).toHaveLength(10);

    // And live again afterwards.
    const after = await danChat.send('back online?');
    await eventually(() => expect(catChat.getState().messages.at(-1)!.id).toBe(after.id));
    expect((await serverHistory(tenant, 'cat', catChat.id)).length).toBe(106);
  }, 60_000);
});
