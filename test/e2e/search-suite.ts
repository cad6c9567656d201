import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { List, Message, SearchHit } from '@parley/protocol';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { expectProblem } from '../support/http.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The search contract, run once per backend (`search-postgres.test.ts`, `search-elasticsearch.test.ts`).
 * Elasticsearch indexes asynchronously, so a result is awaited (`eventually`) wherever it follows a
 * write; a claim that something is absent is made only after something written later has appeared.
 */
export function searchContract(name: string, start: () => Promise<TestApp>): void {
  describe(`search (${name})`, () => {
    let app: TestApp;
    let tenant: TestTenant;
    let other: TestTenant;
    let server: Call;
    let alice: Call;
    let bob: Call;
    let carol: Call;
    let chats: { ab: string; ac: string; bc: string };

    const send = async (as: Call, chatId: string, text: string): Promise<Message> => {
      const reply = await as('POST', `/v1/chats/${chatId}/messages`, { clientId: crypto.randomUUID(), text });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body as Message;
    };
    const search = async (as: Call, params: Record<string, string>): Promise<List<SearchHit>> => {
      const reply = await as('GET', `/v1/search?${new URLSearchParams(params)}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body as List<SearchHit>;
    };
    const ids = (list: List<SearchHit>): string[] => list.data.map((h) => h.message.id);
    /** Searches until `done` holds (Elasticsearch indexes in the background), or fails after 5 s. */
    const eventually = async (
      as: Call,
      params: Record<string, string>,
      done: (list: List<SearchHit>) => boolean,
    ): Promise<List<SearchHit>> => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const list = await search(as, params);
        if (done(list)) return list;
        if (Date.now() > deadline) {
          throw new Error(`search ${JSON.stringify(params)} never settled: ${JSON.stringify(ids(list))}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const group = async (members: string[], as: Call = server): Promise<string> => {
      const reply = await as('POST', '/v1/chats', { kind: 'group', title: 'g', members });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body.id as string;
    };

    beforeAll(async () => {
      app = await start();
      tenant = await createTenant(app);
      other = await createTenant(app);
      server = tenant.server();
      for (const id of ['alice', 'bob', 'carol', 'dave']) await upsertUser(server, id);
      alice = await tenant.user('alice', { upsert: false });
      bob = await tenant.user('bob', { upsert: false });
      carol = await tenant.user('carol', { upsert: false });
      const direct = await server('POST', '/v1/chats', { kind: 'direct', members: ['alice', 'bob'] });
      chats = { ab: direct.body.id, ac: await group(['alice', 'carol']), bc: await group(['bob', 'carol']) };
    });
    afterAll(() => app?.close());

    it("finds words in the caller's chats only, newest first, with plain-text highlights", async () => {
      const first = await send(alice, chats.ab, 'Pizza tonight?');
      const notHers = await send(bob, chats.bc, 'pizza without alice');
      const foreignServer = other.server();
      await upsertUser(foreignServer, 'alice');
      const foreignAlice = await other.user('alice', { upsert: false });
      const foreignChat = (
        await foreignServer('POST', '/v1/chats', { kind: 'group', title: 'g', members: ['alice'] })
      ).body.id;
      const foreign = await send(foreignAlice, foreignChat, 'pizza in another tenant');
      const second = await send(carol, chats.ac, 'PIZZA party at mine, pizza for all');

      const found = await eventually(alice, { q: 'pizza' }, (l) => l.data.length >= 2);
      expect(ids(found)).toEqual([second.id, first.id]);
      expect(found.nextCursor).toBeNull();
      expect(found.data[0]!.message).toEqual(second);
      const { highlight } = found.data[0]!;
      expect(highlight.text).toBe('PIZZA party at mine, pizza for all');
      expect(highlight.matches.map((m) => highlight.text.slice(m.start, m.end))).toEqual(['PIZZA', 'pizza']);
      expect(ids(found)).not.toContain(notHers.id);
      expect(ids(found)).not.toContain(foreign.id);

      const theirs = await eventually(foreignAlice, { q: 'pizza' }, (l) => l.data.length > 0);
      expect(ids(theirs)).toEqual([foreign.id]);
      expect(ids(await search(foreignServer, { q: 'pizza' }))).toEqual([foreign.id]);
    });

    it("searches a user's chats on behalf of them, and the whole tenant with the secret key alone", async () => {
      const inAb = await send(alice, chats.ab, 'quince jam');
      const inBc = await send(bob, chats.bc, 'quince tart');
      const inAc = await send(carol, chats.ac, 'quince pie');
      const all = await eventually(server, { q: 'quince' }, (l) => l.data.length === 3);
      expect(ids(all)).toEqual([inAc.id, inBc.id, inAb.id]);
      expect(ids(await search(tenant.server('bob'), { q: 'quince' }))).toEqual([inBc.id, inAb.id]);
      expect(ids(await search(bob, { q: 'quince' }))).toEqual([inBc.id, inAb.id]);
      expect(ids(await search(other.server(), { q: 'quince' }))).toEqual([]);
    });

    it('narrows to one chat with chatId; a chat the caller is not in is not found', async () => {
      const inAb = await send(alice, chats.ab, 'rhubarb crumble');
      const inAc = await send(alice, chats.ac, 'rhubarb soup');
      await eventually(alice, { q: 'rhubarb' }, (l) => l.data.length === 2);
      expect(ids(await search(alice, { q: 'rhubarb', chatId: chats.ab }))).toEqual([inAb.id]);
      expect(ids(await search(server, { q: 'rhubarb', chatId: chats.ac }))).toEqual([inAc.id]);
      expectProblem(await bob('GET', `/v1/search?q=rhubarb&chatId=${chats.ac}`), 404, 'not_found');
      expectProblem(
        await tenant.server('bob')('GET', `/v1/search?q=rhubarb&chatId=${chats.ac}`),
        404,
        'not_found',
      );
      expectProblem(await other.server()('GET', `/v1/search?q=rhubarb&chatId=${chats.ac}`), 404, 'not_found');
      expectProblem(
        await alice('GET', `/v1/search?q=rhubarb&chatId=${crypto.randomUUID()}`),
        404,
        'not_found',
      );
    });

    it('pages with a cursor, newest first, each message once', async () => {
      const sent: Message[] = [];
      for (let i = 0; i < 5; i++) sent.push(await send(carol, chats.ac, `quokka number ${i}`));
      await eventually(alice, { q: 'quokka' }, (l) => l.data.length === 5);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: List<SearchHit> = await search(alice, {
          q: 'quokka',
          limit: '2',
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...ids(page));
        sizes.push(page.data.length);
        cursor = page.nextCursor;
      } while (cursor);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(sent.map((m) => m.id).reverse());
    });

    it('reads web-search syntax: "phrases", -exclusions and or', async () => {
      const redApple = await send(alice, chats.ab, 'a red apple');
      const greenApple = await send(alice, chats.ab, 'a green apple');
      const redCar = await send(alice, chats.ab, 'a red car');
      const appleRed = await send(alice, chats.ab, 'apple, red');
      await eventually(alice, { q: 'red' }, (l) => l.data.length === 3);
      expect(ids(await search(alice, { q: '"red apple"' }))).toEqual([redApple.id]);
      expect(ids(await search(alice, { q: 'apple -green' }))).toEqual([appleRed.id, redApple.id]);
      expect(ids(await search(alice, { q: 'car or green' }))).toEqual([redCar.id, greenApple.id]);
      expect(ids(await search(alice, { q: 'red apple' }))).toEqual([appleRed.id, redApple.id]);
      expect(ids(await search(alice, { q: 'Apple RED -car' }))).toEqual([appleRed.id, redApple.id]);
      expect(await search(alice, { q: '!!! ...' })).toEqual({ data: [], nextCursor: null });
    });

    it('matches whole words in any script, case-insensitively', async () => {
      const german = await send(alice, chats.ab, 'Grüße aus der Straße');
      const chinese = await send(alice, chats.ab, '我们 你好 世界');
      await eventually(alice, { q: '你好' }, (l) => l.data.length === 1);
      expect(ids(await search(alice, { q: 'STRASSE or straße' }))).toEqual([german.id]);
      expect(ids(await search(alice, { q: 'grüße' }))).toEqual([german.id]);
      expect(ids(await search(alice, { q: '你好' }))).toEqual([chinese.id]);
    });

    it('re-indexes edits: the old words stop matching and the new ones match', async () => {
      const message = await send(alice, chats.ab, 'original walrus');
      await eventually(alice, { q: 'walrus' }, (l) => l.data.length === 1);
      const edited = await alice('PATCH', `/v1/chats/${chats.ab}/messages/${message.id}`, {
        text: 'revised narwhal',
      });
      expect(edited.status).toBe(200);
      const found = await eventually(alice, { q: 'narwhal' }, (l) => l.data.length === 1);
      expect(found.data[0]!.message).toMatchObject({ id: message.id, text: 'revised narwhal' });
      expect(found.data[0]!.message.editedAt).not.toBeNull();
      expect(found.data[0]!.highlight).toEqual({ text: 'revised narwhal', matches: [{ start: 8, end: 15 }] });
      expect(await search(alice, { q: 'walrus' })).toEqual({ data: [], nextCursor: null });
    });

    it('never shows a deleted message', async () => {
      const message = await send(bob, chats.ab, 'ephemeral ocelot');
      await eventually(alice, { q: 'ocelot' }, (l) => l.data.length === 1);
      expect((await bob('DELETE', `/v1/chats/${chats.ab}/messages/${message.id}`)).status).toBe(200);
      await eventually(alice, { q: 'ocelot' }, (l) => l.data.length === 0);
      expect(ids(await search(server, { q: 'ocelot' }))).toEqual([]);
    });

    it("never shows an erased user's messages", async () => {
      const chat = await group(['alice', 'dave']);
      const dave = await tenant.user('dave', { upsert: false });
      await send(dave, chat, 'secret capybara');
      const kept = await send(alice, chat, 'capybara indeed');
      await eventually(alice, { q: 'capybara' }, (l) => l.data.length === 2);
      expect((await server('DELETE', '/v1/users/dave')).status).toBe(204);
      await eventually(server, { q: 'capybara' }, (l) => l.data.length === 1);
      expect(ids(await search(alice, { q: 'capybara' }))).toEqual([kept.id]);
      expect(await search(server, { q: 'secret' })).toEqual({ data: [], nextCursor: null });
    });

    it('highlights as plain text: markup and marker characters in a message stay text', async () => {
      const markup = await send(alice, chats.ab, '<img src=x onerror=alert(1)> mango <b>mango</b>');
      const forged = await send(alice, chats.ab, '\u0001kiwi\u0002 mango');
      const found = await eventually(alice, { q: 'mango' }, (l) => l.data.length === 2);
      const [second, first] = found.data as [SearchHit, SearchHit];
      expect(second.message.id).toBe(forged.id);
      expect(second.highlight.text).toBe('\u0001kiwi\u0002 mango');
      expect(second.highlight.matches).toEqual([{ start: 7, end: 12 }]);
      expect(first.message.id).toBe(markup.id);
      expect(first.highlight.text).toBe('<img src=x onerror=alert(1)> mango <b>mango</b>');
      expect(first.highlight.matches.map((m) => first.highlight.text.slice(m.start, m.end))).toEqual([
        'mango',
        'mango',
      ]);
    });

    it('answers an excerpt around the match for a long message', async () => {
      const text = `${'lorem ipsum '.repeat(100)}papaya${' dolor sit'.repeat(100)}`;
      const message = await send(alice, chats.ab, text);
      const found = await eventually(alice, { q: 'papaya' }, (l) => l.data.length === 1);
      const { highlight } = found.data[0]!;
      expect(found.data[0]!.message).toMatchObject({ id: message.id, text });
      expect(highlight.text.length).toBeLessThan(320);
      expect(highlight.text).toMatch(/^….*…$/s);
      expect(highlight.matches.map((m) => highlight.text.slice(m.start, m.end))).toEqual(['papaya']);
    });

    it("shows the caller's own reactions on hits", async () => {
      const message = await send(bob, chats.ab, 'tangerine season');
      await alice('PUT', `/v1/chats/${chats.ab}/messages/${message.id}/reactions/heart`);
      const found = await eventually(alice, { q: 'tangerine' }, (l) => l.data.length === 1);
      expect(found.data[0]!.message.reactions).toEqual({ heart: { count: 1, me: true } });
      expect((await search(bob, { q: 'tangerine' })).data[0]!.message.reactions).toEqual({
        heart: { count: 1, me: false },
      });
    });

    it('refuses bad input with 400 validation_failed', async () => {
      const refused = async (query: string, field: string) => {
        const reply = await alice('GET', `/v1/search?${query}`);
        expectProblem(reply, 400, 'validation_failed');
        expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      };
      await refused('', 'query.q');
      await refused('q=', 'query.q');
      await refused('q=%20%20%20', 'query.q');
      await refused(`q=${'x'.repeat(257)}`, 'query.q');
      await refused('q=a&q=b', 'query.q');
      await refused('q=pizza&cursor=garbage', 'query.cursor');
      await refused(
        `q=pizza&cursor=${Buffer.from(JSON.stringify(['not-an-id'])).toString('base64url')}`,
        'query.cursor',
      );
      await refused(`q=pizza&cursor=${'x'.repeat(513)}`, 'query.cursor');
      await refused('q=pizza&chatId=not-an-id', 'query.chatId');
      await refused('q=pizza&limit=101', 'query.limit');
      await refused('q=pizza&limit=0', 'query.limit');
      await refused('q=pizza&limit=ten', 'query.limit');
      await refused('q=pizza&sort=rank', 'query');
      expect((await alice('GET', `/v1/search?q=${'x'.repeat(256)}`)).status).toBe(200);
    });
  });
}
