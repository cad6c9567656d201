import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { collect, connectSocket, emitAck, eventually, type ClientSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('realtime gateway', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let server: Call;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, {
      allowedOrigins: ['https://app.test'],
      limits: { messagesPerSecond: 1_000 },
    });

    server = tenant.server();
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => app?.close());

  async function connectAs(userId: string, origin?: string): Promise<ClientSocket> {
    const socket = await connectSocket(
      app.baseUrl,
      { apiKey: tenant.publishableKey, token: await tenant.token(userId) },
      origin ? { origin } : {},
    );
    open.push(socket);
    return socket;
  }

  async function group(title: string, members: string[]): Promise<string> {
    for (const id of members) await upsertUser(server, id);
    const chat = await server('POST', '/v1/chats', { kind: 'group', title, members });
    expect(chat.status).toBe(201);
    return chat.body.id;
  }

  describe('handshake', () => {
    const failure = async (promise: Promise<unknown>) => {
      const error = (await promise.then(
        () => null,
        (e: unknown) => e,
      )) as (Error & { data?: { code: string } }) | null;
      expect(error, 'the handshake should have failed').not.toBeNull();
      return error!.data?.code;
    };

    it('refuses missing, wrong and foreign credentials with a code', async () => {
      expect(await failure(connectSocket(app.baseUrl, {}))).toBe('unauthenticated');
      expect(
        await failure(connectSocket(app.baseUrl, { apiKey: tenant.publishableKey, token: 'nope' })),
      ).toBe('unauthenticated');
      const other = await createTenant(app);
      expect(
        await failure(
          connectSocket(app.baseUrl, { apiKey: tenant.publishableKey, token: await other.token('x') }),
        ),
      ).toBe('unauthenticated');
      expect(await failure(connectSocket(app.baseUrl, { token: tenant.secretKey }))).toBe(
        'validation_failed',
      );
      expect(await failure(connectSocket(app.baseUrl, { apiKey: 42 } as never))).toBe('validation_failed');
    });

    it('refuses a browser origin the tenant does not allow', async () => {
      const token = await tenant.token('origin-user');
      expect(
        await failure(
          connectSocket(
            app.baseUrl,
            { apiKey: tenant.publishableKey, token },
            { origin: 'https://evil.test' },
          ),
        ),
      ).toBe('origin_not_allowed');
      const allowed = await connectSocket(
        app.baseUrl,
        { apiKey: tenant.publishableKey, token },
        { origin: 'https://app.test' },
      );
      open.push(allowed);
      expect(allowed.connected).toBe(true);
    });

    it('lets a tenant backend connect as one of its users', async () => {
      await upsertUser(server, 'backend-user');
      const socket = await connectSocket(app.baseUrl, {
        token: tenant.secretKey,
        onBehalfOf: 'backend-user',
      });
      open.push(socket);
      expect(socket.connected).toBe(true);
    });
  });

  describe('messages', () => {
    it('delivers a socket send to the other member and the sender’s other devices, acking it to the sending socket', async () => {
      const chatId = await group('live', ['ann', 'ben']);
      const ann = await connectAs('ann');
      const annOnPhone = await connectAs('ann');
      const ben = await connectAs('ben');
      const received = collect(ben, 'message:new');
      const onPhone = collect(annOnPhone, 'message:new');
      const echoed = collect(ann, 'message:new');
      const ack = await emitAck(ann, 'message:send', { chatId, clientId: 'live-1', text: 'hello ben' });
      expect(ack.ok).toBe(true);
      const sent = (ack as { data: Message }).data;
      expect(sent).toMatchObject({
        chatId,
        senderId: 'ann',
        text: 'hello ben',
        clientId: 'live-1',
        seq: expect.any(Number),
      });
      await eventually(() => expect(received.map((e) => e.message)).toEqual([sent]));
      await eventually(() => expect(onPhone.map((e) => e.message)).toEqual([sent]));
      // The ack carries the message; the socket that sent it gets no second copy.
      expect(echoed).toEqual([]);

      // A retry of the same clientId answers the original and announces nothing new.
      const retry = await emitAck(ann, 'message:send', { chatId, clientId: 'live-1', text: 'hello ben' });
      expect(retry).toEqual({ ok: true, data: sent });
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);
    });

    it('delivers a send that names its chat in capitals to the chat’s members', async () => {
      const chatId = await group('capitals', ['cal', 'cat']);
      const cal = await connectAs('cal');
      const cat = await connectAs('cat');
      const received = collect(cat, 'message:new');
      const ack = await emitAck(cal, 'message:send', {
        chatId: chatId.toUpperCase(),
        clientId: 'c-1',
        text: 'hi',
      });
      expect(ack).toMatchObject({ ok: true, data: { chatId, text: 'hi' } });
      await eventually(() =>
        expect(received.map((e) => e.message)).toEqual([(ack as { data: Message }).data]),
      );
    });

    it('stores a connection’s sends in the order it made them, even without waiting for acks', async () => {
      const chatId = await group('burst', ['zed']);
      const zed = await connectAs('zed');
      const acks = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          emitAck(zed, 'message:send', { chatId, clientId: `burst-${i}`, text: `${i}` }),
        ),
      );
      const seqs = acks.map((ack) => (ack as { data: Message }).data.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(50);
    });

    it('applies an edit sent amid a burst after the sends before it and before the sends after it', async () => {
      const chatId = await group('burst-edit', ['yan']);
      const yan = await connectAs('yan');
      const first = (await emitAck(yan, 'message:send', { chatId, clientId: 'e-0', text: 'typo' })) as {
        data: Message;
      };
      const send = (i: number) => emitAck(yan, 'message:send', { chatId, clientId: `e-${i}`, text: `${i}` });
      const before = Array.from({ length: 20 }, (_, i) => send(i + 1));
      const edit = emitAck(yan, 'message:edit', { chatId, messageId: first.data.id, text: 'fixed' });
      const after = Array.from({ length: 5 }, (_, i) => send(i + 21));
      const versions = async (acks: Promise<unknown>[]) =>
        (await Promise.all(acks)).map((ack) => (ack as { data: Message }).data.version);
      const edited = ((await edit) as { data: Message }).data;
      expect(edited.text).toBe('fixed');
      expect(Math.max(...(await versions(before)))).toBeLessThan(edited.version);
      expect(Math.min(...(await versions(after)))).toBeGreaterThan(edited.version);
    });

    it('delivers REST sends, edits, reactions and deletes live', async () => {
      const chatId = await group('mixed', ['cat', 'dan']);
      const dan = await connectAs('dan');
      const news = collect(dan, 'message:new');
      const updates = collect(dan, 'message:updated');
      const deletions = collect(dan, 'message:deleted');
      const cat = tenant.server('cat');
      const sent = (await cat('POST', `/v1/chats/${chatId}/messages`, { clientId: 'm1', text: 'v1' }))
        .body as Message;
      await cat('PATCH', `/v1/chats/${chatId}/messages/${sent.id}`, { text: 'v2' });
      await cat('PUT', `/v1/chats/${chatId}/messages/${sent.id}/reactions/wave`);
      await cat('DELETE', `/v1/chats/${chatId}/messages/${sent.id}`);
      await eventually(() => expect(deletions).toHaveLength(1));
      expect(news.map((e) => e.message.text)).toEqual(['v1']);
      expect(updates.map((e) => [e.message.text, e.reaction ?? null])).toEqual([
        ['v2', null],
        ['v2', { userId: 'cat', emoji: 'wave', action: 'added' }],
      ]);
      expect(updates[1]!.message.reactions).toEqual({ wave: { count: 1, me: false } });
      expect(deletions[0]!.message).toMatchObject({ id: sent.id, text: null });
    });

    it('acks socket edits, reactions and deletes with the message', async () => {
      const chatId = await group('acks', ['eve', 'fay']);
      const eve = await connectAs('eve');
      const sent = await emitAck(eve, 'message:send', { chatId, clientId: 'a1', text: 'first' });
      const id = (sent as { data: Message }).data.id;
      expect(await emitAck(eve, 'message:edit', { chatId, messageId: id, text: 'second' })).toMatchObject({
        ok: true,
        data: { text: 'second' },
      });
      expect(await emitAck(eve, 'reaction:add', { chatId, messageId: id, emoji: 'ok' })).toMatchObject({
        ok: true,
        data: { reactions: { ok: { count: 1, me: true } } },
      });
      expect(await emitAck(eve, 'reaction:remove', { chatId, messageId: id, emoji: 'ok' })).toMatchObject({
        ok: true,
        data: { reactions: {} },
      });
      expect(await emitAck(eve, 'message:delete', { chatId, messageId: id })).toMatchObject({
        ok: true,
        data: { text: null },
      });
      const fay = await tenant.user('fay');
      expect(await emitAck(eve, 'message:edit', { chatId, messageId: id, text: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect((await fay('GET', `/v1/chats/${chatId}/messages`)).body.data[0]).toMatchObject({
        id,
        text: null,
      });
    });
  });

  describe('membership', () => {
    it('starts and stops a member’s events on all of their devices at once', async () => {
      const chatId = await group('growing', ['gil']);
      await upsertUser(server, 'hal');
      const phone = await connectAs('hal');
      const laptop = await connectAs('hal');
      const phoneNews = collect(phone, 'message:new');
      const laptopNews = collect(laptop, 'message:new');
      const added = collect(phone, 'member:added');
      const removed = collect(laptop, 'member:removed');
      const gil = tenant.server('gil');

      await gil('POST', `/v1/chats/${chatId}/messages`, { clientId: 'before', text: 'not for hal' });
      expect((await server('POST', `/v1/chats/${chatId}/members`, { members: ['hal'] })).status).toBe(201);
      await eventually(() => expect(added.map((e) => e.member.userId)).toEqual(['hal']));
      await gil('POST', `/v1/chats/${chatId}/messages`, { clientId: 'during', text: 'welcome hal' });
      await eventually(() => {
        expect(phoneNews.map((e) => e.message.text)).toEqual(['welcome hal']);
        expect(laptopNews.map((e) => e.message.text)).toEqual(['welcome hal']);
      });

      expect((await server('DELETE', `/v1/chats/${chatId}/members/hal`)).status).toBe(204);
      await eventually(() => expect(removed).toEqual([{ chatId, userId: 'hal' }]));
      await gil('POST', `/v1/chats/${chatId}/messages`, { clientId: 'after', text: 'hal is gone' });
      await new Promise((r) => setTimeout(r, 150));
      expect(phoneNews.map((e) => e.message.text)).toEqual(['welcome hal']);
      expect(laptopNews.map((e) => e.message.text)).toEqual(['welcome hal']);
      expect(await emitAck(phone, 'typing', { chatId, isTyping: true })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    });

    it('tells members about a new chat they were put in', async () => {
      await upsertUser(server, 'ivy');
      const ivy = await connectAs('ivy');
      const updated = collect(ivy, 'chat:updated');
      const chatId = await group('surprise', ['ivy', 'jon']);
      await eventually(() =>
        expect(updated).toEqual([{ chatId, kind: 'group', title: 'surprise', memberCount: 2 }]),
      );
      const news = collect(ivy, 'message:new');
      await tenant.server('jon')('POST', `/v1/chats/${chatId}/messages`, { clientId: 'j1', text: 'hi ivy' });
      await eventually(() => expect(news).toHaveLength(1));
    });
  });

  describe('typing', () => {
    it('relays typing to others, never back to the typist, and expires it after 5 s', async () => {
      const chatId = await group('typing', ['kim', 'lou']);
      const kim = await connectAs('kim');
      const kimOther = await connectAs('kim');
      const lou = await connectAs('lou');
      const louSees = collect(lou, 'typing');
      const kimSees = collect(kimOther, 'typing');
      expect(await emitAck(kim, 'typing', { chatId, isTyping: true })).toEqual({ ok: true, data: null });
      await eventually(() => expect(louSees).toEqual([{ chatId, userId: 'kim', isTyping: true }]));
      // Throttled: a burst of "still typing" is one event.
      for (let i = 0; i < 5; i++) await emitAck(kim, 'typing', { chatId, isTyping: true });
      await eventually(
        () => expect(louSees.at(-1)).toEqual({ chatId, userId: 'kim', isTyping: false }),
        7_000,
      );
      expect(louSees).toHaveLength(2);
      expect(kimSees).toEqual([]);
    }, 15_000);
  });

  describe('receipts', () => {
    it('moves read and delivered pointers and coalesces bursts of receipt events', async () => {
      const chatId = await group('receipts', ['max', 'ned']);
      const max = await connectAs('max');
      const ned = await connectAs('ned');
      const receipts = collect(max, 'receipt');
      const seqs: number[] = [];
      for (let i = 0; i < 20; i++) {
        seqs.push(
          (
            await tenant.server('max')('POST', `/v1/chats/${chatId}/messages`, {
              clientId: `r${i}`,
              text: `${i}`,
            })
          ).body.seq,
        );
      }
      for (const seq of seqs) await emitAck(ned, 'read', { chatId, seq });
      await eventually(
        () =>
          expect(receipts.at(-1)).toEqual({
            chatId,
            userId: 'ned',
            deliveredSeq: seqs[19],
            readSeq: seqs[19],
          }),
        3_000,
      );
      expect(receipts.length).toBeGreaterThanOrEqual(1);
      expect(receipts.length).toBeLessThanOrEqual(4);

      expect(await emitAck(max, 'delivered', { chatId, seq: seqs[19]! })).toEqual({ ok: true, data: null });
      await eventually(
        () => expect(receipts.at(-1)).toEqual({ chatId, userId: 'max', deliveredSeq: seqs[19], readSeq: 0 }),
        3_000,
      );
      const stored = await server('GET', `/v1/chats/${chatId}/receipts`);
      expect(stored.body.data).toEqual([
        { userId: 'max', deliveredSeq: seqs[19], readSeq: 0 },
        { userId: 'ned', deliveredSeq: seqs[19], readSeq: seqs[19] },
      ]);
    });
  });

  describe('delivery receipts in large groups', () => {
    it('stores delivered pointers of a group over 32 members without announcing them', async () => {
      const members = Array.from({ length: 33 }, (_, i) => `big${i}`);
      const chatId = await group('big', members);
      const watcher = await connectAs('big0');
      const reporter = await connectAs('big1');
      const receipts = collect(watcher, 'receipt');
      const seq = (
        await tenant.server('big0')('POST', `/v1/chats/${chatId}/messages`, { clientId: 'b', text: 'hi all' })
      ).body.seq;
      expect(await emitAck(reporter, 'delivered', { chatId, seq })).toEqual({ ok: true, data: null });
      await eventually(async () => {
        const stored = await server('GET', `/v1/chats/${chatId}/receipts?limit=100`);
        return stored.body.data.find((r: { userId: string }) => r.userId === 'big1').deliveredSeq === seq;
      }, 3_000);
      // Reads still are announced.
      await emitAck(reporter, 'read', { chatId, seq });
      await eventually(() =>
        expect(receipts).toEqual([{ chatId, userId: 'big1', deliveredSeq: seq, readSeq: seq }]),
      );
    });
  });

  describe('presence', () => {
    it('shows a user online while connected, and tells chat partners when they leave', async () => {
      const chatId = await group('presence', ['oli', 'pam']);
      expect(chatId).toBeTruthy();
      const pam = await connectAs('pam');
      const seen = collect(pam, 'presence');
      const oli = await connectAs('oli');
      await eventually(() => expect(seen.at(-1)).toMatchObject({ userId: 'oli', online: true }));
      const now = await server('GET', '/v1/presence?userIds=oli,pam,nobody');
      expect(now.body.data.map((p: { userId: string; online: boolean }) => [p.userId, p.online])).toEqual([
        ['oli', true],
        ['pam', true],
      ]);
      oli.close();
      await eventually(
        () =>
          expect(seen.at(-1)).toMatchObject({ userId: 'oli', online: false, lastSeenAt: expect.any(String) }),
        5_000,
      );
      const later = await server('GET', '/v1/presence?userIds=oli');
      expect(later.body.data[0]).toMatchObject({
        userId: 'oli',
        online: false,
        lastSeenAt: expect.any(String),
      });
    });

    it('does not announce a quick reconnect as going offline', async () => {
      await group('flap', ['quin', 'rob']);
      const rob = await connectAs('rob');
      const seen = collect(rob, 'presence');
      const first = await connectAs('quin');
      await eventually(() => expect(seen).toHaveLength(1));
      first.close();
      await connectAs('quin');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(seen.map((p) => p.online)).toEqual([true]);
    });
  });

  describe('bad and hostile events', () => {
    /** The connection is still up and sends; its send is the only message the refused events left. */
    async function expectStillServing(socket: ClientSocket, chatId: string, clientId: string): Promise<void> {
      expect(socket.connected).toBe(true);
      const ok = await emitAck(socket, 'message:send', { chatId, clientId, text: 'still here' });
      expect(ok.ok).toBe(true);
      const history = await server('GET', `/v1/chats/${chatId}/messages`);
      expect(history.body.data.map((m: Message) => m.clientId)).toEqual([clientId]);
    }

    it('answers malformed payloads with an error ack and keeps the connection', async () => {
      const chatId = await group('hostile', ['sam']);
      const sam = await connectAs('sam');
      const cases: [string, unknown][] = [
        ['message:send', { chatId, clientId: 'x', text: 42 }],
        ['message:send', { chatId: 'not-an-id', clientId: 'x', text: 'hi' }],
        ['message:send', { chatId, clientId: 'x', text: 'hi', extra: true }],
        ['message:send', 'just a string'],
        ['message:send', null],
        ['message:send', { chatId, clientId: 'x', text: 'a'.repeat(200_000) }],
        ['typing', { chatId, isTyping: 'yes' }],
        ['read', { chatId, seq: -1 }],
        ['delivered', { chatId }],
      ];
      for (const [event, payload] of cases) {
        const reply = await emitAck(sam, event as 'message:send', payload as never);
        expect(reply, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      }
      await expectStillServing(sam, chatId, 'fine');
    });

    it('answers an event it does not know, or one without its single payload, with an error ack', async () => {
      const chatId = await group('unknown-events', ['una']);
      const una = await connectAs('una');
      // Without an ack there is no one to answer: nothing happens.
      (una as unknown as { emit(event: string, payload: unknown): void }).emit('message:sned', {
        chatId,
        clientId: 'no-ack',
        text: 'lost?',
      });
      for (const event of ['message:sned', 'x'.repeat(1_000)]) {
        const reply = await emitAck(una, event as 'message:send', { chatId } as never);
        expect(reply).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
        expect((reply as { error: { message: string } }).error.message.length).toBeLessThan(100);
      }
      // A known event without its payload, or with more than one, is answered too.
      const raw = una.timeout(5_000) as unknown as { emitWithAck(...args: unknown[]): Promise<unknown> };
      for (const args of [['read'], ['read', { chatId, seq: 0 }, 'extra'], ['message:send', {}, {}, {}]]) {
        expect(await raw.emitWithAck(...args), JSON.stringify(args)).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      }
      await expectStillServing(una, chatId, 'known');
    });

    it('hides other tenants’ chats and chats the user is not in', async () => {
      const other = await createTenant(app);
      await upsertUser(other.server(), 'stranger');
      const foreignChat = (
        await other.server()('POST', '/v1/chats', { kind: 'group', members: ['stranger'] })
      ).body.id;
      const ownChat = await group('not-yours', ['tom']);
      await upsertUser(server, 'uma');
      const uma = await connectAs('uma');
      for (const chatId of [foreignChat, ownChat]) {
        expect(
          await emitAck(uma, 'message:send', { chatId, clientId: `c-${chatId}`, text: 'x' }),
        ).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect(await emitAck(uma, 'typing', { chatId, isTyping: true })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
        expect(await emitAck(uma, 'read', { chatId })).toMatchObject({
          ok: false,
          error: { code: 'not_found' },
        });
      }
      expect((await other.server()('GET', `/v1/chats/${foreignChat}/messages`)).body.data).toEqual([]);
    });

    it('rate-limits a flood on one connection without hurting others', async () => {
      const chatId = await group('flood', ['vic', 'wes']);
      const vic = await connectAs('vic');
      const wes = await connectAs('wes');
      const replies = await Promise.all(
        Array.from({ length: 250 }, () => emitAck(vic, 'typing', { chatId, isTyping: true })),
      );
      const limited = replies.filter((r) => !r.ok && r.error.code === 'rate_limited').length;
      expect(limited).toBeGreaterThan(0);
      expect(vic.connected).toBe(true);
      expect(
        await emitAck(wes, 'message:send', { chatId, clientId: 'calm', text: 'unaffected' }),
      ).toMatchObject({ ok: true });
      // An event without an ack is handled without harm.
      (vic as unknown as { emit(event: string, payload: unknown): void }).emit('typing', {
        chatId,
        isTyping: false,
      });
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await emitAck(vic, 'read', { chatId })).toMatchObject({ ok: true });
    });
  });

  describe('catch-up', () => {
    it('ends with exactly the server’s messages after missing 100 while disconnected', async () => {
      const chatId = await group('catch-up', ['xia', 'yan']);
      const xia = await connectAs('xia');

      const local = new Map<string, Message>();
      for (const m of (
        await (
          await tenant.user('xia', { upsert: false })
        )('GET', `/v1/chats/${chatId}/messages`)
      ).body.data)
        local.set(m.id, m);
      let version = (await server('GET', `/v1/chats/${chatId}`)).body.version as number;
      const live = collect(xia, 'message:new');
      const yan = tenant.server('yan');
      for (let i = 0; i < 5; i++)
        await yan('POST', `/v1/chats/${chatId}/messages`, { clientId: `before-${i}`, text: `b${i}` });
      await eventually(() => expect(live).toHaveLength(5));
      for (const event of live) {
        local.set(event.message.id, event.message);
        version = Math.max(version, event.message.version);
      }
      xia.close();

      const edited: string[] = [];
      for (let i = 0; i < 100; i++) {
        const sent = (
          await yan('POST', `/v1/chats/${chatId}/messages`, { clientId: `gap-${i}`, text: `g${i}` })
        ).body as Message;
        if (i % 10 === 0) {
          await yan('PATCH', `/v1/chats/${chatId}/messages/${sent.id}`, { text: `g${i} edited` });
          edited.push(sent.id);
        }
      }
      await yan('DELETE', `/v1/chats/${chatId}/messages/${[...local.keys()][0]}`);

      // Reconnect first, then catch up: anything sent from here on arrives live as well.
      const reconnected = await connectAs('xia');
      expect(reconnected.connected).toBe(true);
      const caller = await tenant.user('xia', { upsert: false });
      for (;;) {
        const page = await caller('GET', `/v1/chats/${chatId}/changes?since=${version}&limit=30`);
        for (const m of page.body.data as Message[]) local.set(m.id, m);
        version = page.body.version;
        if (!page.body.hasMore) break;
      }
      const serverState: Message[] = [];
      let after = 0;
      for (;;) {
        const page = await caller('GET', `/v1/chats/${chatId}/messages?after=${after}&limit=50`);
        serverState.push(...page.body.data);
        if (!page.body.nextCursor) break;
        after = Number(page.body.nextCursor);
      }
      const mine = [...local.values()].sort((a, b) => a.seq - b.seq);
      expect(mine).toHaveLength(105);
      expect(mine.map((m) => m.id)).toEqual(serverState.map((m) => m.id));
      expect(mine.map((m) => [m.text, m.version])).toEqual(serverState.map((m) => [m.text, m.version]));
      expect(mine.filter((m) => m.text?.endsWith('edited')).map((m) => m.id)).toEqual(edited);
    });
  });
});
