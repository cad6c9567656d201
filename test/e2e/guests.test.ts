import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUESTS_PER_ADDRESS_PER_HOUR } from '@parley/rate-limit';
import { TenantState } from '../factories/tenant-state.js';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { expectProblem } from '../support/http.js';
import { connectSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SITE = 'https://shop.example.test';

describe('guests (POST /v1/guests with the publishable key alone)', () => {
  let app: TestApp;
  let open: TestTenant;
  let closed: TestTenant;
  let state: TenantState;

  const signUp = (tenant: TestTenant, body: unknown = {}, headers: Record<string, string> = {}) =>
    app.request('POST', '/v1/guests', {
      headers: { 'x-api-key': tenant.publishableKey, origin: SITE, ...headers },
      body,
    });

  beforeAll(async () => {
    app = await startTestApp();
    state = await TenantState.connect(app.databaseUrl);
    open = await createTenant(app, { allowedOrigins: [SITE], guestAccess: true });
    closed = await createTenant(app, { allowedOrigins: [SITE] });
    await upsertUser(open.server(), 'agent', { name: 'Support' });
  });
  afterAll(async () => {
    await state?.close();
    await app?.close();
  });

  it('makes a new user marked as a guest, with a token that works over REST and the socket', async () => {
    const reply = await signUp(open, { name: 'Visitor' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.headers.get('access-control-allow-origin')).toBe(SITE);
    const guest = reply.body as { userId: string; name: string; token: string; expiresAt: string };
    expect(guest.userId).toMatch(/^guest-[0-9a-f]{20}$/);
    expect(guest.name).toBe('Visitor');
    expect(Date.parse(guest.expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    const profile = await open.server()('GET', `/v1/users/${guest.userId}`);
    expect(profile.body).toMatchObject({ id: guest.userId, name: 'Visitor', metadata: { guest: true } });

    const asGuest = {
      'x-api-key': open.publishableKey,
      authorization: `Bearer ${guest.token}`,
      origin: SITE,
    };
    const chat = await app.request('POST', '/v1/chats', {
      headers: asGuest,
      body: { kind: 'direct', members: [guest.userId, 'agent'] },
    });
    expect(chat.status, JSON.stringify(chat.body)).toBe(201);
    const sent = await app.request('POST', `/v1/chats/${chat.body.id}/messages`, {
      headers: asGuest,
      body: { clientId: 'hello-1', text: 'Where is my order?' },
    });
    expect(sent.status).toBe(201);
    const socket = await connectSocket(
      app.baseUrl,
      { apiKey: open.publishableKey, token: guest.token },
      { origin: SITE },
    );
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('names a guest without a name "Guest" and a code, and never hands out the same id twice', async () => {
    const first = await signUp(open);
    const second = await signUp(open);
    expect(first.status).toBe(201);
    expect(first.body.name).toMatch(/^Guest [0-9A-F]{4}$/);
    expect(second.body.userId).not.toBe(first.body.userId);
  });

  it('is refused, creating nothing, where the tenant does not allow guests', async () => {
    const before = await state.fingerprint(closed.id);
    const reply = await signUp(closed, { name: 'Visitor' });
    expectProblem(reply, 403, 'forbidden');
    expect(reply.body.detail).toContain('guestAccess');
    expect(await state.fingerprint(closed.id)).toEqual(before);
  });

  it('turns on and off with the tenant setting', async () => {
    const tenant = await createTenant(app, { allowedOrigins: [SITE] });
    expectProblem(await signUp(tenant), 403, 'forbidden');
    expect((await tenant.server()('PATCH', '/v1/tenant', { guestAccess: true })).status).toBe(200);
    // Settings are cached briefly with the key; wait for the change to be seen.
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 201; attempt++) {
      status = (await signUp(tenant)).status;
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(201);
  });

  it('takes the publishable key alone: no key, a secret key or a user token are 401', async () => {
    expectProblem(
      await app.request('POST', '/v1/guests', { headers: { origin: SITE }, body: {} }),
      401,
      'unauthenticated',
    );
    expectProblem(
      await app.request('POST', '/v1/guests', {
        headers: { authorization: `Bearer ${open.secretKey}` },
        body: {},
      }),
      401,
      'unauthenticated',
    );
    expectProblem(
      await signUp(open, {}, { authorization: `Bearer ${await open.token('agent')}` }),
      401,
      'unauthenticated',
    );
  });

  it('refuses browser origins the tenant does not list', async () => {
    expectProblem(await signUp(open, {}, { origin: 'https://evil.example.test' }), 403, 'origin_not_allowed');
  });

  it('makes the guest in the key’s own tenant only', async () => {
    const reply = await signUp(open, { name: 'Only here' });
    expect(reply.status).toBe(201);
    expect((await open.server()('GET', `/v1/users/${reply.body.userId}`)).status).toBe(200);
    expectProblem(await closed.server()('GET', `/v1/users/${reply.body.userId}`), 404, 'not_found');
    // Its token is signed with the tenant's secret: the other tenant's publishable key does not take it.
    expectProblem(
      await app.request('GET', '/v1/chats', {
        headers: { 'x-api-key': closed.publishableKey, authorization: `Bearer ${reply.body.token}` },
      }),
      401,
      'unauthenticated',
    );
  });

  it(`limits one address to ${GUESTS_PER_ADDRESS_PER_HOUR} guests an hour per tenant, with Retry-After`, async () => {
    const tenant = await createTenant(app, { allowedOrigins: [SITE], guestAccess: true });
    for (let i = 0; i < GUESTS_PER_ADDRESS_PER_HOUR; i++) expect((await signUp(tenant)).status).toBe(201);
    const before = await state.fingerprint(tenant.id);
    expect(before.users!.rows).toBe(GUESTS_PER_ADDRESS_PER_HOUR);
    const refused = await signUp(tenant, { name: 'One too many' });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await state.fingerprint(tenant.id)).toEqual(before);
    // Another tenant's visitors from the same address are counted apart.
    expect((await signUp(open)).status).toBe(201);
  });
});
