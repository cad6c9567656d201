import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { expectProblem } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('users and members', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let server: Call;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
    server = tenant.server();
  });
  afterAll(() => app?.close());

  describe('users', () => {
    it('upserts with PUT semantics: 201 then 200, omitted fields cleared', async () => {
      const created = await server('PUT', '/v1/users/carol', {
        name: 'Carol',
        avatarUrl: 'https://img.test/c.png',
        metadata: { plan: 'pro' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: 'carol',
        name: 'Carol',
        avatarUrl: 'https://img.test/c.png',
        metadata: { plan: 'pro' },
      });
      const replaced = await server('PUT', '/v1/users/carol', { name: 'Caro' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ name: 'Caro', avatarUrl: null, metadata: {} });
      expect(replaced.body.createdAt).toBe(created.body.createdAt);
      const many = await server('GET', '/v1/users?ids=carol,nobody');
      expect(many.body.data.map((u: { id: string }) => u.id)).toEqual(['carol']);
    });

    it('erases a user: profile, tokens, messages, reactions and memberships', async () => {
      for (const id of ['eraser-target', 'witness']) await upsertUser(server, id);
      const chat = (
        await server('POST', '/v1/chats', {
          kind: 'group',
          title: 'g',
          members: ['eraser-target', 'witness'],
        })
      ).body;
      const target = await tenant.user('eraser-target', { upsert: false });
      const witness = tenant.server('witness');
      const mine = (
        await target('POST', `/v1/chats/${chat.id}/messages`, { clientId: 'x1', text: 'personal data' })
      ).body as Message;
      const theirs = (
        await witness('POST', `/v1/chats/${chat.id}/messages`, { clientId: 'w1', text: 'hello' })
      ).body as Message;
      await target('PUT', `/v1/chats/${chat.id}/messages/${theirs.id}/reactions/heart`);
      await witness('PUT', `/v1/chats/${chat.id}/messages/${theirs.id}/reactions/heart`);
      const since = (await witness('GET', `/v1/chats/${chat.id}/changes?since=0`)).body.version;

      expect((await server('DELETE', '/v1/users/eraser-target')).status).toBe(204);

      expectProblem(await server('GET', '/v1/users/eraser-target'), 404, 'not_found');
      const refused = await target('GET', '/v1/chats');
      expectProblem(refused, 401, 'unauthenticated');
      expect(refused.body.detail).toContain('erased');
      const changes = await witness('GET', `/v1/chats/${chat.id}/changes?since=${since}`);
      const byId = new Map(changes.body.data.map((m: Message) => [m.id, m]));
      expect(byId.get(mine.id)).toMatchObject({ text: null, senderId: null, clientId: null });
      expect((byId.get(mine.id) as Message).deletedAt).not.toBeNull();
      expect(byId.get(theirs.id)).toMatchObject({
        text: 'hello',
        reactions: { heart: { count: 1, me: true } },
      });
      const after = (await server('GET', `/v1/chats/${chat.id}`)).body;
      expect(after.memberCount).toBe(1);
      const members = await server('GET', `/v1/chats/${chat.id}/members`);
      expect(members.body.data.map((m: { userId: string }) => m.userId)).toEqual(['witness']);
      // Erasing again is harmless; an unknown user is 404.
      expect((await server('DELETE', '/v1/users/eraser-target')).status).toBe(204);
      expectProblem(await server('DELETE', '/v1/users/never-existed'), 404, 'not_found');
      expectProblem(await server('POST', '/v1/users/eraser-target/tokens', {}), 409, 'conflict');
      // Upserting again restores the account, but tokens issued before the erasure stay dead.
      expect((await server('PUT', '/v1/users/eraser-target', { name: 'Back' })).status).toBe(200);
      expectProblem(await target('GET', '/v1/chats'), 401, 'unauthenticated');
      const fresh = await tenant.user('eraser-target', { upsert: false });
      expect((await fresh('GET', '/v1/chats')).body.data).toEqual([]);
    });
  });

  describe('roles', () => {
    let chatId: string;
    let owner: Call;
    let admin: Call;
    let member: Call;

    beforeAll(async () => {
      for (const id of ['own', 'adm', 'mem', 'mem2', 'newbie']) await upsertUser(server, id);
      owner = await tenant.user('own', { upsert: false });
      const created = await owner('POST', '/v1/chats', {
        kind: 'group',
        title: 'Team',
        members: ['adm', 'mem', 'mem2'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ memberCount: 4, membership: { userId: 'own', role: 'owner' } });
      chatId = created.body.id;
      expect((await owner('PATCH', `/v1/chats/${chatId}/members/adm`, { role: 'admin' })).body.role).toBe(
        'admin',
      );
      admin = await tenant.user('adm', { upsert: false });
      member = await tenant.user('mem', { upsert: false });
    });

    it('lets owners and admins manage the chat, and members only read and write', async () => {
      expectProblem(await member('PATCH', `/v1/chats/${chatId}`, { title: 'Mine' }), 403, 'forbidden');
      expectProblem(
        await member('POST', `/v1/chats/${chatId}/members`, { members: ['newbie'] }),
        403,
        'forbidden',
      );
      expectProblem(await member('DELETE', `/v1/chats/${chatId}/members/mem2`), 403, 'forbidden');
      expectProblem(
        await admin('PATCH', `/v1/chats/${chatId}/members/mem`, { role: 'admin' }),
        403,
        'forbidden',
      );
      expect((await admin('PATCH', `/v1/chats/${chatId}`, { title: 'Renamed' })).body.title).toBe('Renamed');
      const added = await admin('POST', `/v1/chats/${chatId}/members`, { members: ['newbie', 'mem'] });
      expect(added.status).toBe(201);
      expect(added.body.data.map((m: { userId: string }) => m.userId)).toEqual(['newbie']);
      expect((await admin('DELETE', `/v1/chats/${chatId}/members/newbie`)).status).toBe(204);
      expectProblem(await admin('DELETE', `/v1/chats/${chatId}/members/own`), 403, 'forbidden');
      expect((await owner('GET', `/v1/chats/${chatId}`)).body.memberCount).toBe(4);
    });

    it('lets a member leave, after which the chat is hidden from them', async () => {
      const leaver = await tenant.user('mem2', { upsert: false });
      expect((await leaver('DELETE', `/v1/chats/${chatId}/members/mem2`)).status).toBe(204);
      expectProblem(await leaver('GET', `/v1/chats/${chatId}`), 404, 'not_found');
      expectProblem(
        await leaver('POST', `/v1/chats/${chatId}/messages`, { clientId: 'z', text: 'x' }),
        404,
        'not_found',
      );
      expect((await leaver('GET', '/v1/chats')).body.data).toEqual([]);
    });

    it('leaves a group without an owner when its last owner leaves, for the backend to appoint one', async () => {
      const group = (
        await owner('POST', '/v1/chats', { kind: 'group', title: 'Hand-over', members: ['adm'] })
      ).body.id as string;
      await owner('PATCH', `/v1/chats/${group}/members/adm`, { role: 'admin' });
      expect((await owner('DELETE', `/v1/chats/${group}/members/own`)).status).toBe(204);
      const roles = async () =>
        (await server('GET', `/v1/chats/${group}/members`)).body.data.map(
          (m: { userId: string; role: string }) => `${m.userId}:${m.role}`,
        );
      expect(await roles()).toEqual(['adm:admin']);
      expectProblem(
        await admin('PATCH', `/v1/chats/${group}/members/adm`, { role: 'owner' }),
        403,
        'forbidden',
      );
      expect((await server('PATCH', `/v1/chats/${group}/members/adm`, { role: 'owner' })).status).toBe(200);
      expect(await roles()).toEqual(['adm:owner']);
      const added = await admin('POST', `/v1/chats/${group}/members`, { members: ['own'] });
      expect(added.status).toBe(201);
      expect((await admin('PATCH', `/v1/chats/${group}/members/own`, { role: 'admin' })).body.role).toBe(
        'admin',
      );
    });

    it('refuses unknown users and over-full groups without changing anything', async () => {
      const reply = await owner('POST', `/v1/chats/${chatId}/members`, { members: ['ghost', 'newbie'] });
      expectProblem(reply, 404, 'not_found');
      expect(reply.body.detail).toContain('ghost');
      expect((await owner('GET', `/v1/chats/${chatId}`)).body.memberCount).toBe(3);
      await server('PATCH', '/v1/tenant', { limits: { groupMembers: 3 } });
      try {
        expectProblem(
          await owner('POST', `/v1/chats/${chatId}/members`, { members: ['newbie'] }),
          409,
          'conflict',
        );
        expect((await owner('GET', `/v1/chats/${chatId}`)).body.memberCount).toBe(3);
      } finally {
        await server('PATCH', '/v1/tenant', { limits: { groupMembers: 100_000 } });
      }
    });

    it('keeps direct chats to their two members', async () => {
      const dm = (await owner('POST', '/v1/chats', { kind: 'direct', members: ['own', 'mem'] })).body;
      expect(dm).toMatchObject({ kind: 'direct', title: null, memberCount: 2 });
      expectProblem(
        await owner('POST', `/v1/chats/${dm.id}/members`, { members: ['newbie'] }),
        403,
        'forbidden',
      );
      expectProblem(await server('PATCH', `/v1/chats/${dm.id}`, { title: 'x' }), 403, 'forbidden');
      expectProblem(await owner('DELETE', `/v1/chats/${dm.id}/members/own`), 403, 'forbidden');
      expectProblem(
        await member('POST', '/v1/chats', { kind: 'direct', members: ['own', 'adm'] }),
        403,
        'forbidden',
      );
    });

    it('lets senders and moderators edit and delete, and nobody else', async () => {
      const sent = (await member('POST', `/v1/chats/${chatId}/messages`, { clientId: 'mod1', text: 'hi' }))
        .body as Message;
      const other = await tenant.user('newbie', { upsert: false });
      await owner('POST', `/v1/chats/${chatId}/members`, { members: ['newbie'] });
      expectProblem(
        await other('PATCH', `/v1/chats/${chatId}/messages/${sent.id}`, { text: 'hacked' }),
        403,
        'forbidden',
      );
      expectProblem(await other('DELETE', `/v1/chats/${chatId}/messages/${sent.id}`), 403, 'forbidden');
      expect(
        (await member('PATCH', `/v1/chats/${chatId}/messages/${sent.id}`, { text: 'hi!' })).body.text,
      ).toBe('hi!');
      const deleted = await admin('DELETE', `/v1/chats/${chatId}/messages/${sent.id}`);
      expect(deleted.body).toMatchObject({ id: sent.id, text: null, seq: sent.seq });
      expectProblem(
        await member('PATCH', `/v1/chats/${chatId}/messages/${sent.id}`, { text: 'again' }),
        409,
        'conflict',
      );
      expectProblem(
        await member('PUT', `/v1/chats/${chatId}/messages/${sent.id}/reactions/x`),
        409,
        'conflict',
      );
      expect((await member('DELETE', `/v1/chats/${chatId}/messages/${sent.id}`)).body.deletedAt).toBe(
        deleted.body.deletedAt,
      );
    });

    it('threads replies within a chat only', async () => {
      const first = (
        await member('POST', `/v1/chats/${chatId}/messages`, { clientId: 'q1', text: 'question' })
      ).body as Message;
      const reply = await owner('POST', `/v1/chats/${chatId}/messages`, {
        clientId: 'a1',
        text: 'answer',
        replyTo: first.id,
      });
      expect(reply.body.replyTo).toBe(first.id);
      const elsewhere = (await owner('POST', '/v1/chats', { kind: 'group', members: [] })).body;
      expectProblem(
        await owner('POST', `/v1/chats/${elsewhere.id}/messages`, {
          clientId: 'a2',
          text: 'x',
          replyTo: first.id,
        }),
        400,
        'validation_failed',
      );
    });

    it('counts reactions per emoji and marks my own', async () => {
      const msg = (await member('POST', `/v1/chats/${chatId}/messages`, { clientId: 'r1', text: 'react' }))
        .body as Message;
      const path = (emoji: string) =>
        `/v1/chats/${chatId}/messages/${msg.id}/reactions/${encodeURIComponent(emoji)}`;
      await owner('PUT', path('🎉'));
      const twice = await owner('PUT', path('🎉'));
      expect(twice.body.reactions).toEqual({ '🎉': { count: 1, me: true } });
      const mine = await member('PUT', path('🎉'));
      expect(mine.body.reactions).toEqual({ '🎉': { count: 2, me: true } });
      const afterRemove = await owner('DELETE', path('🎉'));
      expect(afterRemove.body.reactions).toEqual({ '🎉': { count: 1, me: false } });
      expect((await owner('DELETE', path('🎉'))).body.version).toBe(afterRemove.body.version);
      expectProblem(await owner('PUT', path('has space')), 400, 'validation_failed');
    });
  });
});
