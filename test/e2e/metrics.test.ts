import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The value of one series (`name` or `name{labels}`, exactly as Prometheus text prints it). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

describe('metrics', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let socket: ClientSocket;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    socket?.close();
    await app?.close();
  });

  it('exposes request, socket, delivery, pool and event-loop metrics that move with traffic, without ids in labels', async () => {
    const before = (await app.request('GET', '/metrics')).body as string;
    expect(sample(before, 'parley_messages_sent_total')).toBe(0);

    await upsertUser(tenant.server(), 'metered');
    const chat = (await tenant.server()('POST', '/v1/chats', { kind: 'group', members: ['metered'] })).body;
    socket = await connectSocket(app.baseUrl, {
      apiKey: tenant.publishableKey,
      token: await tenant.token('metered'),
    });
    for (let i = 0; i < 3; i++)
      await emitAck(socket, 'message:send', { chatId: chat.id, clientId: `m${i}`, text: 'x' });
    await tenant.server('metered')('POST', `/v1/chats/${chat.id}/messages`, { clientId: 'rest', text: 'y' });

    const reply = await app.request('GET', '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/plain');
    const text = reply.body as string;
    expect(sample(text, 'parley_messages_sent_total')).toBe(4);
    expect(sample(text, 'parley_message_delivery_seconds_count')).toBe(4);
    expect(sample(text, 'parley_socket_connections')).toBe(1);
    expect(
      sample(text, 'parley_socket_event_duration_seconds_count{event="message:send",outcome="ok"}'),
    ).toBe(3);
    expect(text).toContain(
      'parley_http_request_duration_seconds_count{method="POST",route="/v1/chats/:chatId/messages",status="201"} 1',
    );
    expect(text).toMatch(/parley_db_pool_connections\{state="idle"\} \d+/);
    expect(text).toContain('parley_nodejs_eventloop_lag_seconds');
    // No label carries an id or user content.
    expect(text).not.toContain(chat.id);
    expect(text).not.toContain('metered');
    expect(text).not.toContain(tenant.id);
  });
});
