import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Message, PushPayload } from '@parley/protocol';
import { FCM_SENDER, FirebaseFcmSender } from '@parley/push';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { FakeFcm } from '../support/fake-fcm.js';
import { fastQueues } from '../support/fast-queues.js';
import { expectProblem } from '../support/http.js';
import { Receiver } from '../support/receiver.js';
import { connectSocket, eventually, type ClientSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FakeBrowserSubscription, verifyVapid } from '../support/web-push-client.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const VAPID_SUBJECT = 'mailto:ops@parley.test';

describe('push to members who are not connected', () => {
  let app: TestApp;
  let pushService: Receiver;
  let fcm: FakeFcm;
  let restoreAgent: () => void;
  let tenant: TestTenant;
  let chatId: string;
  const subscriptions = new Map<string, FakeBrowserSubscription>();
  const sockets: ClientSocket[] = [];

  const registerWebPush = async (userId: string): Promise<Device> => {
    const subscription = new FakeBrowserSubscription(`${pushService.url}/push/${userId}`);
    subscriptions.set(userId, subscription);
    const user = await tenant.user(userId, { upsert: false });
    const reply = await user<Device>('POST', '/v1/devices', {
      kind: 'webpush',
      subscription: subscription.toJSON(),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  };
  const send = async (text: string): Promise<Message> => {
    const reply = await tenant.server('alice')<Message>('POST', `/v1/chats/${chatId}/messages`, {
      clientId: `c-${Math.random()}`,
      text,
    });
    expect(reply.status).toBe(201);
    return reply.body;
  };
  const pushesTo = (userId: string) => pushService.to(`/push/${userId}`);
  const decrypted = (userId: string, index = 0): PushPayload =>
    JSON.parse(subscriptions.get(userId)!.decrypt(pushesTo(userId)[index]!.body)) as PushPayload;

  beforeAll(async () => {
    pushService = await new Receiver().start();
    pushService.respond = () => ({ status: 201 });
    fcm = await new FakeFcm().start();
    restoreAgent = fcm.routeGlobalAgent();
    app = await startTestApp({
      env: { PARLEY_ALLOW_PRIVATE_URLS: 'on', PARLEY_VAPID_SUBJECT: VAPID_SUBJECT },
      overrides: [fastQueues, { provide: FCM_SENDER, useValue: new FirebaseFcmSender(fcm.agent()) }],
    });
    tenant = await createTenant(app);
    const server = tenant.server();
    await upsertUser(server, 'alice', { name: 'Alice' });
    for (const id of ['bob', 'carol', 'dave', 'erin', 'frank']) await upsertUser(server, id, { name: id });
    const chat = await server('POST', '/v1/chats', {
      kind: 'group',
      title: 'Lunch',
      members: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'],
    });
    chatId = chat.body.id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
    restoreAgent?.();
    await pushService?.stop();
    await fcm?.stop();
  });
  afterEach(() => {
    pushService.requests.length = 0;
    pushService.respond = () => ({ status: 201 });
  });

  it('sends an encrypted, VAPID-signed Web Push to offline members only: not the sender, online or muted members', async () => {
    for (const id of ['alice', 'bob', 'carol', 'dave']) await registerWebPush(id);
    // carol is connected; dave muted the chat; erin has no device.
    const carol = await connectSocket(app.baseUrl, {
      apiKey: tenant.publishableKey,
      token: await tenant.token('carol'),
    });
    sockets.push(carol);
    await eventually(async () => {
      const presence = await tenant.server()('GET', '/v1/presence?userIds=carol');
      return presence.body.data[0]?.online === true;
    });
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(
      `UPDATE chat_members SET muted_until = now() + interval '1 hour' WHERE tenant_id = $1 AND user_id = 'dave'`,
      [tenant.id],
    );
    await db.end();

    const message = await send('Lunch at noon?');
    await eventually(() => pushesTo('bob').length === 1);
    await sleep(400);
    expect(pushService.requests.map((r) => r.url)).toEqual(['/push/bob']);

    const [request] = pushesTo('bob');
    expect(request!.method).toBe('POST');
    expect(request!.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      ttl: '86400',
      urgency: 'high',
    });
    const vapid = verifyVapid(String(request!.headers.authorization));
    const served = await (await tenant.user('bob', { upsert: false }))('GET', '/v1/push/vapid-key');
    expect(vapid.publicKey).toBe(served.body.publicKey);
    expect(vapid.claims.aud).toBe(pushService.url);
    expect(vapid.claims.sub).toBe(VAPID_SUBJECT);
    expect(vapid.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(vapid.claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000);

    expect(decrypted('bob')).toEqual({
      title: 'Alice',
      body: 'Lunch at noon?',
      data: { tenantId: tenant.id, chatId, messageId: message.id, seq: String(message.seq) },
    });
  });

  it("shows what the tenant's notificationText setting allows: sender only, or nothing", async () => {
    const server = tenant.server();
    expect((await server('PATCH', '/v1/tenant', { push: { notificationText: 'sender' } })).status).toBe(200);
    await send('secret plans');
    await eventually(() => pushesTo('bob').length === 1);
    expect(decrypted('bob')).toMatchObject({ title: 'Alice', body: null });

    await server('PATCH', '/v1/tenant', { push: { notificationText: 'none' } });
    const message = await send('more secret plans');
    await eventually(() => pushesTo('bob').length === 2);
    expect(decrypted('bob', 1)).toEqual({
      title: null,
      body: null,
      data: { tenantId: tenant.id, chatId, messageId: message.id, seq: String(message.seq) },
    });
    const tenantSettings = await server('GET', '/v1/tenant');
    expect(tenantSettings.body.settings.push).toEqual({ notificationText: 'none' });
    await server('PATCH', '/v1/tenant', { push: { notificationText: 'full' } });
  });

  it('retries a push the service could not take, and removes a subscription it reports gone', async () => {
    const frank = await registerWebPush('frank');
    let frankCalls = 0;
    pushService.respond = (request) => {
      if (request.url === '/push/bob') return { status: 410, body: 'expired' };
      if (request.url === '/push/frank') return ++frankCalls === 1 ? { status: 503 } : { status: 201 };
      return { status: 201 };
    };
    await send('are you there?');
    await eventually(() => pushesTo('frank').length === 2);
    expect(decrypted('frank', 1).body).toBe('are you there?');
    await eventually(async () => {
      const devices = await (await tenant.user('bob', { upsert: false }))('GET', '/v1/devices');
      return devices.body.data.length === 0;
    });
    const franks = await (await tenant.user('frank', { upsert: false }))('GET', '/v1/devices');
    expect(franks.body.data.map((d: Device) => d.id)).toEqual([frank.id]);
  });

  it("sends FCM through firebase-admin with the tenant's service account, and removes unregistered tokens", async () => {
    const server = tenant.server();
    const put = await server('PUT', '/v1/tenant/push/fcm', { serviceAccount: fcm.serviceAccount });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      projectId: fcm.projectId,
      clientEmail: fcm.serviceAccount.client_email,
    });
    const erin = await tenant.user('erin', { upsert: false });
    expect((await erin('POST', '/v1/devices', { kind: 'fcm', token: 'erin-fcm-token' })).status).toBe(201);
    expect((await erin('POST', '/v1/devices', { kind: 'fcm', token: 'erin-old-token' })).status).toBe(201);
    fcm.deadTokens.add('erin-old-token');

    const message = await send('FCM too');
    await eventually(() => fcm.sends().length === 2);
    const live = fcm.sends().find((s) => s.message.token === 'erin-fcm-token')!;
    expect(live.message).toMatchObject({
      notification: { title: 'Alice', body: 'FCM too' },
      data: { tenantId: tenant.id, chatId, messageId: message.id, seq: String(message.seq) },
    });
    await eventually(async () => {
      const devices = await erin('GET', '/v1/devices');
      return devices.body.data.length === 1 && devices.body.data[0].token === 'erin-fcm-token';
    });
  });
});

describe('device and push credential routes', () => {
  let app: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const subscription = (n: number) => ({
    // A public address literal: accepted without DNS, never called (no message is sent here).
    endpoint: `https://93.184.215.14/push/${n}`,
    expirationTime: null,
    keys: new FakeBrowserSubscription('https://unused.test/').toJSON().keys,
  });

  beforeAll(async () => {
    app = await startTestApp({ overrides: [fastQueues] });
    a = await createTenant(app);
    b = await createTenant(app);
  });
  afterAll(() => app?.close());

  it("registers a user's devices (again: the same device), lists and deletes only their own", async () => {
    const ann = await a.user('ann');
    const first = await ann('POST', '/v1/devices', { kind: 'webpush', subscription: subscription(1) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      userId: 'ann',
      kind: 'webpush',
      token: 'https://93.184.215.14/push/1',
    });
    expect(first.body).not.toHaveProperty('keys');
    const again = await ann('POST', '/v1/devices', { kind: 'webpush', subscription: subscription(1) });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const fcmDevice = await a.server('ann')('POST', '/v1/devices', { kind: 'fcm', token: 'ann-token' });
    expect(fcmDevice.status).toBe(201);
    expect((await ann('GET', '/v1/devices')).body.data.map((d: Device) => d.id).sort()).toEqual(
      [first.body.id, fcmDevice.body.id].sort(),
    );

    const abe = await a.user('abe');
    expect((await abe('GET', '/v1/devices')).body.data).toEqual([]);
    expectProblem(await abe('DELETE', `/v1/devices/${first.body.id}`), 404, 'not_found');
    const other = await b.user('ann');
    expect((await other('GET', '/v1/devices')).body.data).toEqual([]);
    expectProblem(await other('DELETE', `/v1/devices/${first.body.id}`), 404, 'not_found');

    expect((await ann('DELETE', `/v1/devices/${first.body.id}`)).status).toBe(204);
    expectProblem(await ann('DELETE', `/v1/devices/${first.body.id}`), 404, 'not_found');
    expect((await ann('GET', '/v1/devices')).body.data.map((d: Device) => d.id)).toEqual([fcmDevice.body.id]);
  });

  it('answers bad device input with 400 and stores nothing; needs a user and credentials', async () => {
    const amy = await a.user('amy');
    const good = subscription(2);
    for (const body of [
      {},
      { kind: 'apns', token: 'x' },
      { kind: 'fcm' },
      { kind: 'fcm', token: '' },
      { kind: 'fcm', token: 'has space' },
      { kind: 'webpush', subscription: { ...good, endpoint: 'not a url' } },
      { kind: 'webpush', subscription: { ...good, endpoint: 'ftp://push.test/x' } },
      { kind: 'webpush', subscription: { ...good, keys: { ...good.keys, p256dh: 'short' } } },
      { kind: 'webpush', subscription: { ...good, keys: { ...good.keys, auth: 'AAAA' } } },
      { kind: 'webpush', subscription: { endpoint: good.endpoint } },
      { kind: 'fcm', token: 'ok', extra: true },
    ]) {
      expectProblem(await amy('POST', '/v1/devices', body), 400, 'validation_failed');
    }
    expectProblem(await amy('DELETE', '/v1/devices/not-an-id'), 400, 'validation_failed');
    // The backend acting as itself has no user to register a device for.
    expectProblem(
      await a.server()('POST', '/v1/devices', { kind: 'fcm', token: 't' }),
      400,
      'validation_failed',
    );
    expectProblem(await a.server()('GET', '/v1/devices'), 400, 'validation_failed');
    expectProblem(await app.request('GET', '/v1/devices'), 401, 'unauthenticated');
    expectProblem(await app.request('GET', '/v1/push/vapid-key'), 401, 'unauthenticated');
    expect((await amy('GET', '/v1/devices')).body.data).toEqual([]);
  });

  it('refuses a Web Push endpoint on a private address without contacting it', async () => {
    const receiver = await new Receiver().start();
    try {
      const amy = await a.user('amy');
      for (const endpoint of [
        `${receiver.url}/push`,
        `http://localhost:${receiver.port}/push`,
        'http://10.1.1.1/p',
      ]) {
        const reply = await amy('POST', '/v1/devices', {
          kind: 'webpush',
          subscription: { ...subscription(3), endpoint },
        });
        expectProblem(reply, 400, 'validation_failed');
        expect(reply.body.errors[0].path).toBe('body.subscription.endpoint');
      }
      expect(receiver.connections).toBe(0);
      expect((await amy('GET', '/v1/devices')).body.data).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  it("keeps each tenant's FCM service account to itself, never shows the key, and checks it", async () => {
    const fcm = new FakeFcm();
    const account = fcm.serviceAccount;
    expectProblem(await a.server()('GET', '/v1/tenant/push/fcm'), 404, 'not_found');
    for (const body of [
      {},
      { serviceAccount: { ...account, project_id: 'Bad Project' } },
      { serviceAccount: { ...account, client_email: 'nope' } },
      { serviceAccount: { ...account, private_key: 'not a key' } },
      {
        serviceAccount: {
          ...account,
          private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        },
      },
    ]) {
      expectProblem(await a.server()('PUT', '/v1/tenant/push/fcm', body), 400, 'validation_failed');
    }
    expectProblem(await a.server()('GET', '/v1/tenant/push/fcm'), 404, 'not_found');
    const user = await a.user('amy');
    expectProblem(await user('PUT', '/v1/tenant/push/fcm', { serviceAccount: account }), 403, 'forbidden');
    expectProblem(await app.request('GET', '/v1/tenant/push/fcm'), 401, 'unauthenticated');

    const put = await a.server()('PUT', '/v1/tenant/push/fcm', { serviceAccount: account });
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain('PRIVATE KEY');
    expect((await a.server()('GET', '/v1/tenant/push/fcm')).body).toEqual(put.body);
    expectProblem(await b.server()('GET', '/v1/tenant/push/fcm'), 404, 'not_found');
    expectProblem(await b.server()('DELETE', '/v1/tenant/push/fcm'), 404, 'not_found');
    expect((await a.server()('DELETE', '/v1/tenant/push/fcm')).status).toBe(204);
    expectProblem(await a.server()('GET', '/v1/tenant/push/fcm'), 404, 'not_found');
  });

  it('validates the notificationText setting', async () => {
    expectProblem(
      await a.server()('PATCH', '/v1/tenant', { push: { notificationText: 'everything' } }),
      400,
      'validation_failed',
    );
    expectProblem(await a.server()('PATCH', '/v1/tenant', { push: { other: 1 } }), 400, 'validation_failed');
    expect((await a.server()('GET', '/v1/tenant')).body.settings.push).toEqual({ notificationText: 'full' });
  });
});
