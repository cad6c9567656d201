import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('smoke', () => {
  let app: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
  });
  afterAll(() => app?.close());

  it('chats', async () => {
    const alice = await tenant.user('alice');
    await tenant.user('bob');
    const chat = await alice('POST', '/v1/chats', { kind: 'direct', members: ['alice', 'bob'] });
    expect(chat.status, JSON.stringify(chat.body)).toBe(201);
    const sent = await alice('POST', `/v1/chats/${chat.body.id}/messages`, { clientId: 'c1', text: 'hi' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const list = await alice('GET', '/v1/chats');
    expect(list.body, JSON.stringify(list.body)).toMatchObject({
      data: [{ id: chat.body.id, lastMessage: { text: 'hi' } }],
    });
  });
});
