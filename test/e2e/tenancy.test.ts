import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserToken } from '@parley/tenancy';
import { createTenant, operator, upsertUser, type TestTenant } from '../factories/tenants.js';
import { TEST_ADMIN_TOKEN } from '../support/environment.js';
import { expectProblem, request } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('tenancy and authentication', () => {
  let app: TestApp;
  let acme: TestTenant;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, {
      name: 'Acme',
      allowedOrigins: ['https://app.acme.test', 'https://*.acme.dev'],
    });
  });
  afterAll(() => app?.close());

  describe('operator API', () => {
    it('creates tenants with the operator token only, showing the secret once', async () => {
      expectProblem(
        await app.request('POST', '/v1/tenants', { body: { name: 'X' } }),
        401,
        'unauthenticated',
      );
      expectProblem(
        await app.request('POST', '/v1/tenants', {
          body: { name: 'X' },
          headers: { authorization: 'Bearer wrong-token-wrong-token-00' },
        }),
        401,
        'unauthenticated',
      );
      expectProblem(
        await app.request('POST', '/v1/tenants', {
          body: { name: 'X' },
          headers: { authorization: `Bearer ${acme.secretKey}` },
        }),
        401,
        'unauthenticated',
      );
      expect(acme.publishableKey).toMatch(/^pk_[A-Za-z0-9_-]{24}$/);
      expect(acme.secretKey).toMatch(/^sk_[A-Za-z0-9_-]{40}$/);
      const listed = await operator(app)('GET', '/v1/tenants');
      const mine = listed.body.data.find((t: { id: string }) => t.id === acme.id);
      expect(mine).toMatchObject({ name: 'Acme', publishableKey: acme.publishableKey });
      expect(JSON.stringify(listed.body)).not.toContain(acme.secretKey);
    });

    it('stores secret keys only encrypted and hashed', async () => {
      const client = new pg.Client({ connectionString: app.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT * FROM api_keys WHERE tenant_id = $1', [acme.id]);
        expect(rows).toHaveLength(1);
        const stored = JSON.stringify(rows);
        expect(stored).not.toContain(acme.secretKey);
        expect(stored).not.toContain(acme.secretKey.slice(3, 20));
        expect(rows[0].secret_ciphertext).toMatch(/^v1\./);
      } finally {
        await client.end();
      }
    });

    it('is disabled without PARLEY_ADMIN_TOKEN', async () => {
      const closed = await startTestApp({ env: { PARLEY_ADMIN_TOKEN: '' } });
      try {
        const reply = await closed.request('POST', '/v1/tenants', {
          body: { name: 'X' },
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        expectProblem(reply, 401, 'unauthenticated');
        expect(reply.body.detail).toContain('PARLEY_ADMIN_TOKEN');
      } finally {
        await closed.close();
      }
    });
  });

  describe('tenant settings', () => {
    it('shows and changes settings, merging partial limits with the defaults', async () => {
      const tenant = await createTenant(app);
      const server = tenant.server();
      const before = await server('GET', '/v1/tenant');
      expect(before.body.settings).toMatchObject({
        allowedOrigins: [],
        guestAccess: false,
        limits: { textLength: 4000 },
      });
      expect(before.body.secretKeys).toEqual([
        { id: expect.any(String), last4: tenant.secretKey.slice(-4), createdAt: expect.any(String) },
      ]);
      const changed = await server('PATCH', '/v1/tenant', {
        allowedOrigins: ['https://x.test'],
        limits: { textLength: 10 },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.settings.allowedOrigins).toEqual(['https://x.test']);
      expect(changed.body.settings.limits).toMatchObject({ textLength: 10, membersPerCall: 100 });
      // The new limit applies at once.
      await upsertUser(server, 'u');
      const chat = await server('POST', '/v1/chats', { kind: 'group', members: ['u'] });
      expectProblem(
        await tenant.server('u')('POST', `/v1/chats/${chat.body.id}/messages`, {
          clientId: 'a',
          text: 'x'.repeat(11),
        }),
        400,
        'validation_failed',
      );
      expect(
        (
          await tenant.server('u')('POST', `/v1/chats/${chat.body.id}/messages`, {
            clientId: 'b',
            text: 'x'.repeat(10),
          })
        ).status,
      ).toBe(201);
    });

    it('refuses the settings routes to user tokens', async () => {
      const alice = await acme.user('alice');
      expectProblem(await alice('GET', '/v1/tenant'), 403, 'forbidden');
      expectProblem(await alice('POST', '/v1/tenant/keys/rotate'), 403, 'forbidden');
    });
  });

  describe('secret key rotation', () => {
    it('keeps the old key valid until revoked, caps active keys at two, and never revokes the last', async () => {
      const tenant = await createTenant(app);
      const oldToken = await tenant.token('rotating-user');
      const rotated = await tenant.server()('POST', '/v1/tenant/keys/rotate');
      expect(rotated.status).toBe(201);
      const newKey = rotated.body.secretKey as string;
      expect(newKey).toMatch(/^sk_/);
      const withNew = (path: string, method = 'GET') =>
        request(app.baseUrl, method, path, { headers: { authorization: `Bearer ${newKey}` } });
      expect((await withNew('/v1/tenant')).status).toBe(200);
      expect((await tenant.server()('GET', '/v1/tenant')).status).toBe(200);
      expectProblem(await withNew('/v1/tenant/keys/rotate', 'POST'), 409, 'conflict');

      // Tokens signed with either active key work; minted tokens use the newest.
      const headersFor = (token: string) => ({
        headers: { 'x-api-key': tenant.publishableKey, authorization: `Bearer ${token}` },
      });
      expect((await request(app.baseUrl, 'GET', '/v1/chats', headersFor(oldToken))).status).toBe(200);

      const keys = (await withNew('/v1/tenant')).body.secretKeys as { id: string; last4: string }[];
      const oldKeyId = keys.find((k) => k.last4 === tenant.secretKey.slice(-4))!.id;
      const revoked = await request(app.baseUrl, 'DELETE', `/v1/tenant/keys/${oldKeyId}`, {
        headers: { authorization: `Bearer ${newKey}` },
      });
      expect(revoked.status).toBe(204);
      expectProblem(await tenant.server()('GET', '/v1/tenant'), 401, 'unauthenticated');
      expectProblem(
        await request(app.baseUrl, 'GET', '/v1/chats', headersFor(oldToken)),
        401,
        'unauthenticated',
      );

      const lastKeyId = keys.find((k) => k.id !== oldKeyId)!.id;
      expectProblem(
        await request(app.baseUrl, 'DELETE', `/v1/tenant/keys/${lastKeyId}`, {
          headers: { authorization: `Bearer ${newKey}` },
        }),
        409,
        'conflict',
      );
      expectProblem(
        await request(app.baseUrl, 'DELETE', `/v1/tenant/keys/${oldKeyId}`, {
          headers: { authorization: `Bearer ${newKey}` },
        }),
        404,
        'not_found',
      );
    });
  });

  describe('browser origins', () => {
    it('answers CORS only for allowed origins, and lets origin-less clients through', async () => {
      await upsertUser(acme.server(), 'browser-user');
      const token = await acme.token('browser-user');
      const call = (origin?: string) =>
        request(app.baseUrl, 'GET', '/v1/chats', {
          headers: {
            'x-api-key': acme.publishableKey,
            authorization: `Bearer ${token}`,
            ...(origin ? { origin } : {}),
          },
        });
      const allowed = await call('https://app.acme.test');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
      expect((await call('https://eu.acme.dev')).status).toBe(200);
      const refused = await call('https://evil.test');
      expectProblem(refused, 403, 'origin_not_allowed');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect((await call()).status).toBe(200);
    });

    it('lets a browser read a 401 from an allowed origin', async () => {
      const reply = await request(app.baseUrl, 'GET', '/v1/chats', {
        headers: {
          'x-api-key': acme.publishableKey,
          authorization: 'Bearer nonsense',
          origin: 'https://app.acme.test',
        },
      });
      expectProblem(reply, 401, 'unauthenticated');
      expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
    });

    it('allows no browser origin for a new tenant until its admin lists one', async () => {
      const fresh = await createTenant(app);
      const token = await fresh.token('someone');
      const reply = await request(app.baseUrl, 'GET', '/v1/chats', {
        headers: {
          'x-api-key': fresh.publishableKey,
          authorization: `Bearer ${token}`,
          origin: 'http://localhost:3000',
        },
      });
      expectProblem(reply, 403, 'origin_not_allowed');
    });
  });

  describe('user tokens', () => {
    it('creates the user on the first call with a valid token', async () => {
      const call = await acme.user('first-timer', { upsert: false });
      expect((await call('GET', '/v1/chats')).status).toBe(200);
      const user = await acme.server()('GET', '/v1/users/first-timer');
      expect(user.body).toMatchObject({ id: 'first-timer', name: null });
    });

    it('refuses expired tokens, foreign tokens, and tokens without the publishable key', async () => {
      const other = await createTenant(app);
      const expired = (await signUserToken(acme.secretKey, 'alice', 60, Date.now() - 3_600_000)).token;
      const foreign = await other.token('alice');
      const call = (token: string, apiKey?: string) =>
        request(app.baseUrl, 'GET', '/v1/chats', {
          headers: { authorization: `Bearer ${token}`, ...(apiKey ? { 'x-api-key': apiKey } : {}) },
        });
      const expiredReply = await call(expired, acme.publishableKey);
      expectProblem(expiredReply, 401, 'unauthenticated');
      expect(expiredReply.body.detail).toContain('expired');
      expectProblem(await call(foreign, acme.publishableKey), 401, 'unauthenticated');
      expectProblem(await call(await acme.token('alice')), 401, 'unauthenticated');
      expectProblem(
        await call(await acme.token('alice'), 'pk_notarealkeynotarealkey00'),
        401,
        'unauthenticated',
      );
    });

    it('revokes every token issued so far, and only those', async () => {
      await upsertUser(acme.server(), 'revokee');
      const before = await acme.user('revokee', { upsert: false });
      expect((await before('GET', '/v1/chats')).status).toBe(200);
      expect((await acme.server()('DELETE', '/v1/users/revokee/tokens')).status).toBe(204);
      const refused = await before('GET', '/v1/chats');
      expectProblem(refused, 401, 'unauthenticated');
      expect(refused.body.detail).toContain('revoked');
      const after = await acme.user('revokee', { upsert: false });
      expect((await after('GET', '/v1/chats')).status).toBe(200);
    });
  });

  describe('X-On-Behalf-Of', () => {
    it('acts as an existing user with the secret key only', async () => {
      await upsertUser(acme.server(), 'delegate');
      expect((await acme.server('delegate')('GET', '/v1/chats')).status).toBe(200);
      expectProblem(await acme.server('nobody-here')('GET', '/v1/chats'), 404, 'not_found');
      expectProblem(await acme.server('bad id')('GET', '/v1/chats'), 400, 'validation_failed');
      const alice = await acme.user('alice');
      expectProblem(
        await alice('GET', '/v1/chats', undefined, { 'x-on-behalf-of': 'delegate' }),
        401,
        'unauthenticated',
      );
    });
  });
});
