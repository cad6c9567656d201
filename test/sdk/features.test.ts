import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/sdk';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { collect, connectSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, expectSameAsServer, newClient } from './support.js';

describe('SDK: chats, history, typing, presence, search', () => {
  let app: TestApp;
  let tenant: TestTenant;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, { limits: { messagesPerSecond: 1_000 } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await app?.close();
  });

  async function connect(userId: string, options: Parameters<typeof newClient>[2] = {}) {
    await upsertUser(tenant.server(), userId);
    const client = newClient(app.baseUrl, tenant, options);
    clients.push(client);
    await client.connect(() => tenant.token(userId));
    return client;
  }

  it('lists chats in pages, creates groups, and manages members', async () => {
    const amy = await connect('amy');
    for (const id of ['bob', 'cal', 'dee']) await upsertUser(tenant.server(), id);
    const direct = await amy.chats.openDirect('bob');
    expect(await amy.chats.openDirect('bob')).toBe(direct); // one direct chat, one object
    const group = await amy.chats.createGroup({ title: 'Crew', members: ['bob', 'cal'] });
    await group.send('first in the group');
    const first = await amy.chats.list({ limit: 1 });
    expect(first.data.map((c) => c.id)).toEqual([group.id]);
    const second = await amy.chats.list({ limit: 1, cursor: first.nextCursor! });
    expect(second.data.map((c) => c.id)).toEqual([direct.id]);

    await group.addMembers(['dee']);
    expect((await group.members()).data.map((m) => [m.userId, m.role])).toEqual(
      expect.arrayContaining([
        ['amy', 'owner'],
        ['dee', 'member'],
      ]),
    );
    await eventually(() =>
      expect(Object.keys(group.getState().receipts).sort()).toEqual(['amy', 'bob', 'cal', 'dee']),
    );
    await group.removeMember('cal');
    await eventually(() => expect(group.getState().chat.memberCount).toBe(3));
    await group.rename('Crew 2');
    expect(group.getState().chat.title).toBe('Crew 2');
  });

  it('opens a chat named in capitals as the same chat, and follows its events', async () => {
    const ike = await connect('ike');
    const jan = await connect('jan');
    const group = await ike.chats.createGroup({ title: 'Caps', members: ['jan'] });
    const shouted = group.id.toUpperCase();
    const chat = await jan.chats.open(shouted);
    expect(chat.id).toBe(group.id);
    expect(jan.chats.get(shouted)).toBe(chat);
    expect(await jan.chats.open(group.id)).toBe(chat);
    await group.send('heard?');
    await eventually(() => expect(chat.getState().messages.map((m) => m.text)).toEqual(['heard?']));
  });

  it('keeps a watched chat list current: order, unread, new chats, renames, leaving', async () => {
    const kim = await connect('kim');
    for (const id of ['lou', 'mia', 'ned']) await upsertUser(tenant.server(), id);
    const server = tenant.server();
    const create = async (body: object) => (await server('POST', '/v1/chats', body)).body.id as string;
    const withLou = await create({ kind: 'direct', members: ['kim', 'lou'] });
    const withMia = await create({ kind: 'direct', members: ['kim', 'mia'] });
    const group = await create({ kind: 'group', title: 'Team', members: ['kim', 'lou', 'mia'] });
    const ids = () => list.getState().chats.map((c) => c.id);

    const list = await kim.chats.watchList({ pageSize: 2 });
    expect(ids()).toEqual([group, withMia]);
    expect(await list.loadMore()).toBe(false);
    expect(ids()).toEqual([group, withMia, withLou]);

    await tenant.server('lou')('POST', `/v1/chats/${withLou}/messages`, { clientId: 'l1', text: 'hey kim' });
    await eventually(() => expect(ids()).toEqual([withLou, group, withMia]));
    expect(list.getState().chats[0]).toMatchObject({ unread: 1, lastMessage: { text: 'hey kim' } });

    const fresh = await create({ kind: 'group', title: 'New', members: ['kim', 'ned'] });
    await eventually(() => expect(ids()[0]).toBe(fresh));
    await server('PATCH', `/v1/chats/${group}`, { title: 'Team 2' });
    await eventually(() => expect(list.getState().chats.find((c) => c.id === group)?.title).toBe('Team 2'));

    const chat = await kim.chats.open(withLou);
    await chat.markRead();
    await eventually(() => expect(list.getState().chats.find((c) => c.id === withLou)?.unread).toBe(0));
    await server('DELETE', `/v1/chats/${group}/members/kim`);
    await eventually(() => expect(ids()).toEqual([fresh, withLou, withMia]));
    list.close();
  });

  it('loads older pages until the whole history is there, and counts unread', async () => {
    const eli = await connect('eli', { pageSize: 20 });
    await upsertUser(tenant.server(), 'fox');
    const fox = tenant.server('fox');
    const chatId = (await tenant.server()('POST', '/v1/chats', { kind: 'direct', members: ['eli', 'fox'] }))
      .body.id as string;
    for (let i = 0; i < 45; i++)
      await fox('POST', `/v1/chats/${chatId}/messages`, { clientId: `h${i}`, text: `history ${i}` });
    const chat = await eli.chats.open(chatId);
    expect(chat.getState()).toMatchObject({ hasOlder: true });
    expect(chat.getState().messages.map((m) => m.text)).toEqual(
      Array.from({ length: 20 }, (_, i) => `history ${i + 25}`),
    );
    expect(chat.getState().chat.unread).toBe(45);
    expect(await chat.loadOlder()).toBe(true);
    expect(await chat.loadOlder()).toBe(false);
    expect(chat.getState().messages).toHaveLength(45);
    await expectSameAsServer(chat, tenant, 'eli');

    await chat.markRead(chat.getState().messages[39]!.seq);
    expect(chat.getState().chat.unread).toBe(5);
    await fox('POST', `/v1/chats/${chatId}/messages`, { clientId: 'h-new', text: 'one more' });
    await eventually(() => expect(chat.getState().chat.unread).toBe(6));
    await chat.markRead();
    expect(chat.getState().chat.unread).toBe(0);
  });

  it('keeps the unread count when its own receipt comes while the first page is loading', async () => {
    // The first page of the chat is held until the user's own delivered receipt has gone out.
    let releasePage!: () => void;
    const pageHeld = new Promise<void>((resolve) => (releasePage = resolve));
    const ida = await connect('ida', {
      fetch: async (input, init) => {
        if (/\/v1\/chats\/[^/]+\/messages\?/.test(input)) await pageHeld;
        return fetch(input, init);
      },
    });
    const otherDevice = await connectSocket(app.baseUrl, {
      apiKey: tenant.publishableKey,
      token: await tenant.token('ida'),
    });
    await upsertUser(tenant.server(), 'jon');
    const chatId = (await tenant.server()('POST', '/v1/chats', { kind: 'direct', members: ['ida', 'jon'] }))
      .body.id as string;
    const receipts = collect(otherDevice, 'receipt');
    const jon = tenant.server('jon');
    for (let i = 0; i < 3; i++)
      await jon('POST', `/v1/chats/${chatId}/messages`, { clientId: `u${i}`, text: `${i}` });

    const opened = ida.chats.open(chatId);
    await eventually(() =>
      expect(receipts).toContainEqual(expect.objectContaining({ userId: 'ida', deliveredSeq: 3 })),
    );
    // The SDK's own socket got the same receipt in the same tick of the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    releasePage();
    const chat = await opened;
    expect(chat.getState().messages).toHaveLength(3);
    expect(chat.getState().chat.unread).toBe(3);
    otherDevice.close();
  });

  it('edits, deletes and reacts, and shows who is typing', async () => {
    const gus = await connect('gus');
    const hop = await connect('hop', { typing: { throttleMs: 100, idleMs: 300 } });
    const gusChat = await gus.chats.openDirect('hop');
    const hopChat = await hop.chats.open(gusChat.id);
    const message = await gusChat.send('typo');
    await gusChat.edit(message.id, 'fixed');
    await hopChat.react(message.id, '+1');
    await eventually(() =>
      expect(gusChat.getState().messages[0]).toMatchObject({
        text: 'fixed',
        editedAt: expect.any(String),
        reactions: { '+1': { count: 1, me: false } },
      }),
    );
    await hopChat.unreact(message.id, '+1');
    await gusChat.delete(message.id);
    await eventually(() =>
      expect(hopChat.getState().messages[0]).toMatchObject({ text: null, reactions: {} }),
    );

    hopChat.typing();
    await eventually(() => expect(gusChat.getState().typing).toEqual(['hop']));
    // Idle for 300 ms: the typing stops by itself.
    await eventually(() => expect(gusChat.getState().typing).toEqual([]), 3_000);
    hopChat.typing();
    await eventually(() => expect(gusChat.getState().typing).toEqual(['hop']));
    await hopChat.send('done typing');
    await eventually(() => expect(gusChat.getState().typing).toEqual([]));
    await expectSameAsServer(gusChat, tenant, 'gus');
    await expectSameAsServer(hopChat, tenant, 'hop');
  });

  it('follows presence and searches messages', async () => {
    const ivy = await connect('ivy');
    await upsertUser(tenant.server(), 'jay');
    const chat = await ivy.chats.openDirect('jay');
    expect((await ivy.presence.query(['jay', 'ivy'])).map((p) => [p.userId, p.online])).toEqual([
      ['jay', false],
      ['ivy', true],
    ]);
    const jay = await connect('jay');
    await eventually(() => expect(ivy.presence.get('jay')?.online).toBe(true));
    await jay.disconnect();
    await eventually(() => expect(ivy.presence.get('jay')?.online).toBe(false), 8_000);

    await chat.send('the quarterly numbers look fine');
    const hits = await ivy.search({ q: 'quarterly', chatId: chat.id });
    expect(hits.data.map((hit) => hit.message.text)).toEqual(['the quarterly numbers look fine']);
    expect(hits.data[0]!.highlight.matches).toEqual([{ start: 4, end: 13 }]);
    expect(await ivy.users(['jay'])).toMatchObject([{ id: 'jay' }]);
  }, 20_000);
});
