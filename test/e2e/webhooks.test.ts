import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message, WebhookCreated, WebhookEvent } from '@parley/protocol';
import { verifyWebhookSignature } from '@parley/webhooks';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { fastQueues } from '../support/fast-queues.js';
import { expectProblem } from '../support/http.js';
import { Receiver } from '../support/receiver.js';
import { eventually } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function groupWith(tenant: TestTenant, members: string[]): Promise<string> {
  const server = tenant.server();
  for (const id of members) await upsertUser(server, id);
  const chat = await server('POST', '/v1/chats', { kind: 'group', title: 'Team', members });
  expect(chat.status).toBe(201);
  return chat.body.id as string;
}

// The same deliveries through both queue adapters: BullMQ on Redis, and the in-process default.
describe.each<{ queue: string; env: Record<string, string> }>([
  { queue: 'BullMQ', env: {} },
  { queue: 'in-process', env: { REDIS_URL: '' } },
])('webhooks ($queue queue)', ({ env }) => {
  let app: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    app = await startTestApp({ env: { PARLEY_ALLOW_PRIVATE_URLS: 'on', ...env }, overrides: [fastQueues] });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.respond = () => ({ status: 200 });
  });

  it('delivers a signed event, retried until the receiver accepts it: one event id, the same body each time', async () => {
    const tenant = await createTenant(app);
    const server = tenant.server();
    const created = await server<WebhookCreated>('POST', '/v1/webhooks', {
      url: `${receiver.url}/hooks/retry`,
      events: ['message.new'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `${receiver.url}/hooks/retry`, status: 'active' });
    expect(created.body.secret).toMatch(/^whsec_/);
    receiver.respond = (_request, index) => (index < 2 ? { status: 500, body: 'not yet' } : { status: 204 });

    const chatId = await groupWith(tenant, ['alice', 'bob']);
    const sent = await tenant.server('alice')<Message>('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'c1',
      text: 'Hello hooks',
    });
    expect(sent.status).toBe(201);

    await eventually(() => receiver.to('/hooks/retry').length === 3, 10_000);
    await sleep(400);
    const calls = receiver.to('/hooks/retry');
    expect(calls).toHaveLength(3);
    const bodies = calls.map((call) => call.body.toString('utf8'));
    expect(new Set(bodies).size).toBe(1);
    const event = JSON.parse(bodies[0]!) as WebhookEvent;
    expect(event).toMatchObject({
      type: 'message.new',
      tenantId: tenant.id,
      data: { chatId, message: { id: sent.body.id, text: 'Hello hooks', senderId: 'alice' } },
    });
    expect(Object.keys(event).sort()).toEqual(['createdAt', 'data', 'id', 'tenantId', 'type']);
    for (const call of calls) {
      expect(call.method).toBe('POST');
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.headers['parley-event-id']).toBe(event.id);
      const signature = call.headers['parley-signature'] as string;
      // t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, recomputed here by hand.
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(30);
      expect(v1).toBe(
        createHmac('sha256', created.body.secret).update(`${t}.${call.body.toString()}`).digest('hex'),
      );
      expect(verifyWebhookSignature(created.body.secret, signature, call.body.toString())).toBe(true);
    }

    const log = await server('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.data).toEqual([
      expect.objectContaining({
        eventId: event.id,
        type: 'message.new',
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 204,
      }),
    ]);
    const webhook = await server('GET', `/v1/webhooks/${created.body.id}`);
    expect(webhook.body.lastSuccessAt).not.toBeNull();
    expect(webhook.body).not.toHaveProperty('secret');
  });

  it('delivers the first message after a webhook is created, though a moment before the tenant had none', async () => {
    const tenant = await createTenant(app);
    const chatId = await groupWith(tenant, ['ava', 'bo']);
    const ava = tenant.server('ava');
    // Two sends without a webhook: after the first, the node knows the tenant wants nothing.
    for (const clientId of ['before-1', 'before-2'])
      expect((await ava('POST', `/v1/chats/${chatId}/messages`, { clientId, text: clientId })).status).toBe(
        201,
      );
    await sleep(200);
    const created = await tenant.server()('POST', '/v1/webhooks', {
      url: `${receiver.url}/hooks/late`,
      events: ['message.new'],
    });
    expect(created.status).toBe(201);

    const after = await ava<Message>('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'after',
      text: 'after',
    });
    expect(after.status).toBe(201);

    await eventually(() => receiver.to('/hooks/late').length === 1, 10_000);
    await sleep(300);
    const events = receiver.to('/hooks/late').map((r) => JSON.parse(r.body.toString()) as WebhookEvent);
    expect(events.map((e) => (e.data as { message: Message }).message.id)).toEqual([after.body.id]);
  });

  it('sends only the subscribed events, member and message changes alike', async () => {
    const tenant = await createTenant(app);
    const server = tenant.server();
    await server('POST', '/v1/webhooks', {
      url: `${receiver.url}/hooks/members`,
      events: ['member.added', 'member.removed', 'message.deleted'],
    });
    const chatId = await groupWith(tenant, ['ann', 'ben']);
    await upsertUser(server, 'cat');
    const alice = tenant.server('ann');
    const sent = (await alice('POST', `/v1/chats/${chatId}/messages`, { clientId: 'm1', text: 'x' })).body;
    await server('POST', `/v1/chats/${chatId}/members`, { members: ['cat'] });
    await server('DELETE', `/v1/chats/${chatId}/members/cat`);
    await alice('DELETE', `/v1/chats/${chatId}/messages/${sent.id}`);

    await eventually(() => receiver.to('/hooks/members').length === 3, 10_000);
    await sleep(300);
    const events = receiver.to('/hooks/members').map((r) => JSON.parse(r.body.toString()) as WebhookEvent);
    expect(events.map((e) => e.type).sort()).toEqual(['member.added', 'member.removed', 'message.deleted']);
    expect(events.find((e) => e.type === 'member.added')!.data).toMatchObject({
      chatId,
      member: { userId: 'cat', role: 'member' },
    });
    expect(events.find((e) => e.type === 'member.removed')!.data).toEqual({ chatId, userId: 'cat' });
    expect(events.find((e) => e.type === 'message.deleted')!.data).toMatchObject({
      chatId,
      message: { id: sent.id, text: null },
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('disables an endpoint after a delivery failed every try, says why, and can be enabled again', async () => {
    const tenant = await createTenant(app);
    const server = tenant.server();
    const created = await server('POST', '/v1/webhooks', {
      url: `${receiver.url}/hooks/down`,
      events: ['message.new'],
    });
    receiver.respond = () => ({ status: 503, body: 'maintenance' });
    const chatId = await groupWith(tenant, ['dan', 'eve']);
    await tenant.server('dan')('POST', `/v1/chats/${chatId}/messages`, { clientId: 'd1', text: 'anyone?' });

    const disabled = await eventually(async () => {
      const reply = await server('GET', `/v1/webhooks/${created.body.id}`);
      return reply.body.status === 'disabled' && reply.body;
    }, 10_000);
    expect(receiver.to('/hooks/down')).toHaveLength(4);
    expect(disabled.disabledReason).toMatch(/HTTP 503: maintenance/);
    expect(disabled.disabledAt).not.toBeNull();
    const log = await server('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    expect(log.body.data).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 4, lastStatusCode: 503 }),
    ]);

    // Disabled: new events are not even recorded for it.
    await tenant.server('dan')('POST', `/v1/chats/${chatId}/messages`, { clientId: 'd2', text: 'hello?' });
    await sleep(300);
    expect(receiver.to('/hooks/down')).toHaveLength(4);

    receiver.respond = () => ({ status: 200 });
    const enabled = await server('PATCH', `/v1/webhooks/${created.body.id}`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null });
    await tenant.server('dan')('POST', `/v1/chats/${chatId}/messages`, { clientId: 'd3', text: 'back' });
    await eventually(() => receiver.to('/hooks/down').length === 5, 10_000);
  });
});

describe('webhook routes', () => {
  let app: TestApp;
  let receiver: Receiver;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    // The operator's default: private URLs are refused.
    app = await startTestApp({ overrides: [fastQueues] });
    receiver = await new Receiver().start();
    a = await createTenant(app);
    b = await createTenant(app);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
  });

  it('refuses URLs that reach this host or private networks, without contacting them, and stores nothing', async () => {
    for (const url of [
      `${receiver.url}/hook`,
      `http://localhost:${receiver.port}/hook`,
      `http://[::1]:${receiver.port}/hook`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/hook`,
      `http://[::ffff:7f00:1]:${receiver.port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/hook',
      'http://192.168.1.10/hook',
      'http://100.64.0.1/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
    ]) {
      const reply = await a.server()('POST', '/v1/webhooks', { url, events: ['message.new'] });
      expectProblem(reply, 400, 'validation_failed');
      expect(reply.body.errors[0].path, url).toBe('body.url');
    }
    expect(receiver.connections).toBe(0);
    expect((await a.server()('GET', '/v1/webhooks')).body.data).toEqual([]);
  });

  it('answers bad input with 400 validation_failed and stores nothing', async () => {
    const server = a.server();
    for (const body of [
      {},
      { url: 'ftp://example.com/x', events: ['message.new'] },
      { url: 'https://user:pw@example.com/x', events: ['message.new'] },
      { url: 'not a url', events: ['message.new'] },
      { url: 'https://example.com/x', events: [] },
      { url: 'https://example.com/x', events: ['message.exploded'] },
      { url: 'https://example.com/x', events: ['message.new'], secret: 'mine' },
    ]) {
      expectProblem(await server('POST', '/v1/webhooks', body), 400, 'validation_failed');
    }
    expectProblem(await server('GET', '/v1/webhooks/not-an-id'), 400, 'validation_failed');
    expect((await server('GET', '/v1/webhooks')).body.data).toEqual([]);
  });

  it('is for the tenant backend only, and each tenant sees only its own webhooks', async () => {
    // A public address literal: checked without DNS, and never called (no events happen here).
    const url = 'https://93.184.215.14/parley';
    const created = await a.server()('POST', '/v1/webhooks', { url, events: ['message.new'] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    expectProblem(await app.request('GET', '/v1/webhooks'), 401, 'unauthenticated');
    const user = await a.user('someone');
    expectProblem(await user('GET', '/v1/webhooks'), 403, 'forbidden');
    expectProblem(await user('POST', '/v1/webhooks', { url, events: ['message.new'] }), 403, 'forbidden');

    const other = b.server();
    expect((await other('GET', '/v1/webhooks')).body.data).toEqual([]);
    expectProblem(await other('GET', `/v1/webhooks/${id}`), 404, 'not_found');
    expectProblem(await other('PATCH', `/v1/webhooks/${id}`, { status: 'disabled' }), 404, 'not_found');
    expectProblem(await other('GET', `/v1/webhooks/${id}/deliveries`), 404, 'not_found');
    expectProblem(await other('DELETE', `/v1/webhooks/${id}`), 404, 'not_found');

    const mine = await a.server()('GET', `/v1/webhooks/${id}`);
    expect(mine.body).toMatchObject({ id, status: 'active', events: ['message.new'] });
    expectProblem(await a.server()('PATCH', `/v1/webhooks/${id}`, {}), 400, 'validation_failed');
    expectProblem(
      await a.server()('GET', `/v1/webhooks/${id}/deliveries?cursor=nope`),
      400,
      'validation_failed',
    );
    const paused = await a.server()('PATCH', `/v1/webhooks/${id}`, { status: 'disabled' });
    expect(paused.body).toMatchObject({ status: 'disabled', disabledReason: 'disabled by the tenant' });
    expect((await a.server()('DELETE', `/v1/webhooks/${id}`)).status).toBe(204);
    expectProblem(await a.server()('GET', `/v1/webhooks/${id}`), 404, 'not_found');
  });
});
