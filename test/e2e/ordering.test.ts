import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Ordering, idempotency and catch-up: nothing lost, nothing doubled, in order. */
describe('ordering and sync', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let server: Call;

  beforeAll(async () => {
    app = await startTestApp({ env: { PARLEY_RATE_LIMITS: 'off' } });
    tenant = await createTenant(app);
    server = tenant.server();
  });
  afterAll(() => app?.close());

  async function groupOf(memberIds: string[]): Promise<string> {
    for (const id of memberIds) await upsertUser(server, id);
    const chat = await server('POST', '/v1/chats', { kind: 'group', title: 'g', members: memberIds });
    expect(chat.status).toBe(201);
    return chat.body.id as string;
  }

  async function allHistory(call: Call, chatId: string): Promise<Message[]> {
    const messages: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await call('GET', `/v1/chats/${chatId}/messages?after=${after}&limit=100`);
      expect(page.status).toBe(200);
      messages.push(...page.body.data);
      if (!page.body.nextCursor) return messages;
      after = Number(page.body.nextCursor);
    }
  }

  it('gives many concurrent senders unique, strictly increasing seqs and loses nothing', async () => {
    const senders = Array.from({ length: 10 }, (_, i) => `sender${i}`);
    const chatId = await groupOf(senders);
    const perSender = 20;
    const replies = await Promise.all(
      senders.flatMap((sender) =>
        Array.from({ length: perSender }, (_, n) =>
          tenant.server(sender)('POST', `/v1/chats/${chatId}/messages`, {
            clientId: `${sender}-${n}`,
            text: `${sender} #${n}`,
          }),
        ),
      ),
    );
    expect(replies.map((r) => r.status).every((s) => s === 201)).toBe(true);
    const seqs = replies.map((r) => r.body.seq as number);
    expect(new Set(seqs).size).toBe(senders.length * perSender);

    const stored = await allHistory(server, chatId);
    expect(stored).toHaveLength(senders.length * perSender);
    const storedSeqs = stored.map((m) => m.seq);
    expect(storedSeqs).toEqual([...storedSeqs].sort((a, b) => a - b));
    expect(new Set(storedSeqs).size).toBe(storedSeqs.length);
    expect(new Set(stored.map((m) => m.text))).toEqual(new Set(replies.map((r) => r.body.text)));
    // Each sender's own messages keep the order in which... each was acknowledged: seq follows ack order per request.
    const chat = await server('GET', `/v1/chats/${chatId}`);
    expect(chat.body.lastSeq).toBe(Math.max(...seqs));
  });

  it('turns concurrent retries of one clientId into exactly one message', async () => {
    const chatId = await groupOf(['retrier', 'other']);
    const retrier = tenant.server('retrier');
    const replies = await Promise.all(
      Array.from({ length: 12 }, () =>
        retrier('POST', `/v1/chats/${chatId}/messages`, { clientId: 'same-key', text: 'once' }),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(11);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    const stored = await allHistory(server, chatId);
    expect(stored.map((m) => m.clientId)).toEqual(['same-key']);

    // A later retry still answers the original, even with other text.
    const late = await retrier('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'same-key',
      text: 'changed',
    });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ id: replies[0]!.body.id, text: 'once' });
  });

  it('reads an id written in capitals as the same id: a send is stored once and answered as created', async () => {
    const chatId = await groupOf(['caps']);
    const caps = tenant.server('caps');
    const shouted = chatId.toUpperCase();
    const sent = await caps('POST', `/v1/chats/${shouted}/messages`, { clientId: 'caps-1', text: 'hi' });
    expect(sent.status).toBe(201);
    expect(sent.body.chatId).toBe(chatId);
    const resent = await caps('POST', `/v1/chats/${shouted}/messages`, { clientId: 'caps-1', text: 'hi' });
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual(sent.body);
    const edited = await caps(
      'PATCH',
      `/v1/chats/${shouted}/messages/${String(sent.body.id).toUpperCase()}`,
      {
        text: 'hello',
      },
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: sent.body.id, chatId, text: 'hello' });
    expect((await allHistory(server, chatId)).map((m) => [m.id, m.text])).toEqual([[sent.body.id, 'hello']]);
  });

  it('answers a send with the message exactly as a read of it answers', async () => {
    const chatId = await groupOf(['writer', 'reader']);
    const writer = tenant.server('writer');
    const first = await writer('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'exact-1',
      text: 'first',
    });
    const reply = await writer('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'exact-2',
      text: 'a reply',
      replyTo: first.body.id,
    });
    expect([first.status, reply.status]).toEqual([201, 201]);
    expect(await allHistory(tenant.server('reader'), chatId)).toEqual([first.body, reply.body]);
  });

  it('refuses a clientId the sender already used in another chat', async () => {
    const first = await groupOf(['reuser']);
    const second = await groupOf(['reuser']);
    const reuser = tenant.server('reuser');
    expect((await reuser('POST', `/v1/chats/${first}/messages`, { clientId: 'k', text: 'a' })).status).toBe(
      201,
    );
    const reused = await reuser('POST', `/v1/chats/${second}/messages`, { clientId: 'k', text: 'b' });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('conflict');
    expect(await allHistory(server, second)).toEqual([]);
  });

  it('gives two users opening their direct chat at the same moment one chat', async () => {
    await upsertUser(server, 'dm-a');
    await upsertUser(server, 'dm-b');
    const a = await tenant.user('dm-a', { upsert: false });
    const b = await tenant.user('dm-b', { upsert: false });
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b)('POST', '/v1/chats', {
          kind: 'direct',
          members: i % 2 ? ['dm-a', 'dm-b'] : ['dm-b', 'dm-a'],
        }),
      ),
    );
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(7);
    expect(replies[0]!.body).toMatchObject({ kind: 'direct', memberCount: 2 });
    expect([...replies[0]!.body.directMembers].sort()).toEqual(['dm-a', 'dm-b']);
  });

  it('pages history by seq in both directions without gaps or repeats', async () => {
    const chatId = await groupOf(['pager']);
    const pager = tenant.server('pager');
    for (let i = 0; i < 25; i++)
      await pager('POST', `/v1/chats/${chatId}/messages`, { clientId: `p${i}`, text: `m${i}` });

    const newest = await pager('GET', `/v1/chats/${chatId}/messages?limit=10`);
    expect(newest.body.data.map((m: Message) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i + 15}`),
    );
    const older = await pager(
      'GET',
      `/v1/chats/${chatId}/messages?limit=10&before=${newest.body.nextCursor}`,
    );
    expect(older.body.data.map((m: Message) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i + 5}`),
    );
    const oldest = await pager(
      'GET',
      `/v1/chats/${chatId}/messages?limit=10&before=${older.body.nextCursor}`,
    );
    expect(oldest.body.data.map((m: Message) => m.text)).toEqual(
      Array.from({ length: 5 }, (_, i) => `m${i}`),
    );
    expect(oldest.body.nextCursor).toBeNull();

    const forward = await allHistory(pager, chatId);
    expect(forward.map((m) => m.text)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('catches up after edits, reactions and deletes with exactly the latest state of each changed message', async () => {
    const chatId = await groupOf(['writer', 'reactor']);
    const writer = tenant.server('writer');
    const reactor = tenant.server('reactor');
    const sent: Message[] = [];
    for (let i = 0; i < 6; i++)
      sent.push(
        (await writer('POST', `/v1/chats/${chatId}/messages`, { clientId: `w${i}`, text: `v0-${i}` })).body,
      );

    const before = await reactor('GET', `/v1/chats/${chatId}/changes?since=0`);
    expect(before.body.data.map((m: Message) => m.text)).toEqual(sent.map((m) => m.text));
    const since = before.body.version as number;
    expect(before.body.hasMore).toBe(false);

    // While the reactor is "offline": edits, reactions, deletes, a new message, and an edit of the new one.
    await writer('PATCH', `/v1/chats/${chatId}/messages/${sent[1]!.id}`, { text: 'v1-1' });
    await writer('PATCH', `/v1/chats/${chatId}/messages/${sent[1]!.id}`, { text: 'v2-1' });
    await reactor('PUT', `/v1/chats/${chatId}/messages/${sent[2]!.id}/reactions/${encodeURIComponent('👍')}`);
    await writer('PUT', `/v1/chats/${chatId}/messages/${sent[2]!.id}/reactions/${encodeURIComponent('👍')}`);
    await writer('PUT', `/v1/chats/${chatId}/messages/${sent[2]!.id}/reactions/party`);
    await writer('DELETE', `/v1/chats/${chatId}/messages/${sent[2]!.id}/reactions/party`);
    await writer('DELETE', `/v1/chats/${chatId}/messages/${sent[3]!.id}`);
    const fresh = (await writer('POST', `/v1/chats/${chatId}/messages`, { clientId: 'w6', text: 'v0-6' }))
      .body as Message;
    await writer('PATCH', `/v1/chats/${chatId}/messages/${fresh.id}`, { text: 'v1-6' });

    // Catch up in small pages, as a client with a small page size would.
    const changed: Message[] = [];
    let version = since;
    for (;;) {
      const page = await reactor('GET', `/v1/chats/${chatId}/changes?since=${version}&limit=2`);
      expect(page.status).toBe(200);
      changed.push(...page.body.data);
      expect(page.body.version).toBeGreaterThan(version);
      version = page.body.version;
      if (!page.body.hasMore) break;
    }
    const versions = changed.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(changed.map((m) => m.id)).toEqual([sent[1]!.id, sent[2]!.id, sent[3]!.id, fresh.id]);
    const byId = new Map(changed.map((m) => [m.id, m]));
    expect(byId.get(sent[1]!.id)).toMatchObject({ text: 'v2-1', seq: sent[1]!.seq });
    expect(byId.get(sent[1]!.id)!.editedAt).not.toBeNull();
    expect(byId.get(sent[2]!.id)!.reactions).toEqual({ '👍': { count: 2, me: true } });
    expect(byId.get(sent[3]!.id)).toMatchObject({ text: null, attachments: [], seq: sent[3]!.seq });
    expect(byId.get(sent[3]!.id)!.deletedAt).not.toBeNull();
    expect(byId.get(fresh.id)).toMatchObject({ text: 'v1-6' });

    // Applying the changes to the old snapshot gives exactly what the server holds now.
    const local = new Map(before.body.data.map((m: Message) => [m.id, m]));
    for (const m of changed) local.set(m.id, m);
    const serverState = await allHistory(reactor, chatId);
    expect([...local.values()].sort((a: any, b: any) => a.seq - b.seq)).toEqual(serverState);

    const nothingNew = await reactor('GET', `/v1/chats/${chatId}/changes?since=${version}`);
    expect(nothingNew.body).toEqual({ data: [], version, hasMore: false });
  });

  it('never moves a read pointer backwards and counts unread messages', async () => {
    const chatId = await groupOf(['reader', 'poster']);
    const poster = tenant.server('poster');
    const reader = await tenant.user('reader', { upsert: false });
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++)
      seqs.push(
        (await poster('POST', `/v1/chats/${chatId}/messages`, { clientId: `r${i}`, text: `r${i}` })).body.seq,
      );
    await poster(
      'DELETE',
      `/v1/chats/${chatId}/messages/${(await poster('GET', `/v1/chats/${chatId}/messages?limit=1`)).body.data[0].id}`,
    );

    let chat = await reader('GET', `/v1/chats/${chatId}`);
    expect(chat.body.unread).toBe(4);
    const read = await reader('POST', `/v1/chats/${chatId}/read`, { seq: seqs[2] });
    expect(read.body).toEqual({ userId: 'reader', deliveredSeq: seqs[2], readSeq: seqs[2] });
    const backwards = await reader('POST', `/v1/chats/${chatId}/read`, { seq: seqs[0] });
    expect(backwards.body.readSeq).toBe(seqs[2]);
    chat = await reader('GET', `/v1/chats/${chatId}`);
    expect(chat.body.unread).toBe(1);
    // Past the newest message it stops at the newest; with no seq it reads everything.
    const all = await reader('POST', `/v1/chats/${chatId}/read`, { seq: 1_000_000 });
    expect(all.body.readSeq).toBe(chat.body.lastSeq);
    expect((await reader('GET', `/v1/chats/${chatId}`)).body.unread).toBe(0);

    const receipts = await poster('GET', `/v1/chats/${chatId}/receipts`);
    expect(receipts.body.data).toEqual([
      { userId: 'poster', deliveredSeq: 0, readSeq: 0 },
      { userId: 'reader', deliveredSeq: chat.body.lastSeq, readSeq: chat.body.lastSeq },
    ]);
    // Own messages never count as unread.
    expect(
      (await tenant.user('poster', { upsert: false }).then((p) => p('GET', `/v1/chats/${chatId}`))).body
        .unread,
    ).toBe(0);
  });

  it('lists my chats by latest activity with the last message, paging without repeats', async () => {
    const me = 'lister';
    await upsertUser(server, me);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await groupOf([me, `peer${i}`]));
    // Activity order: chat 3 gets the newest message, then chat 5.
    await tenant.server(me)('POST', `/v1/chats/${ids[5]}/messages`, { clientId: 'l5', text: 'five' });
    await tenant.server(me)('POST', `/v1/chats/${ids[3]}/messages`, { clientId: 'l3', text: 'three' });
    const lister = await tenant.user(me, { upsert: false });
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await lister('GET', `/v1/chats?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((c) => c.id)).toEqual([ids[3], ids[5], ids[6], ids[4], ids[2], ids[1], ids[0]]);
    expect(seen[0]).toMatchObject({
      lastMessage: { text: 'three' },
      unread: 0,
      membership: { userId: me, role: 'member' },
    });
    expect(seen[2].lastMessage).toBeNull();
  });
});
