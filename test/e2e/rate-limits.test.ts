import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { expectProblem } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const modes: { name: string; env: Record<string, string> }[] = [
  { name: 'counted in Redis (REDIS_URL set)', env: {} },
  { name: 'counted in memory (embedded default)', env: { REDIS_URL: '' } },
];

describe.each(modes)('rate limits, $name', ({ env }) => {
  let app: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await startTestApp({ env });
    tenant = await createTenant(app, { limits: { messagesPerSecond: 2, userRequestsPerMinute: 12 } });
  });
  afterAll(() => app?.close());

  it('limits sends per user per second with 429 rate_limited and Retry-After, storing nothing', async () => {
    const server = tenant.server();
    await upsertUser(server, 'fast');
    const chat = (await server('POST', '/v1/chats', { kind: 'group', members: ['fast'] })).body;
    const fast = tenant.server('fast');
    const replies = [];
    for (let i = 0; i < 3; i++)
      replies.push(await fast('POST', `/v1/chats/${chat.id}/messages`, { clientId: `f${i}`, text: 'x' }));
    expect(replies.slice(0, 2).map((r) => r.status)).toEqual([201, 201]);
    expectProblem(replies[2]!, 429, 'rate_limited');
    expect(Number(replies[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const history = await server('GET', `/v1/chats/${chat.id}/messages`);
    expect(history.body.data.map((m: { clientId: string }) => m.clientId)).toEqual(['f0', 'f1']);
  });

  it('limits requests per user per minute without limiting other users', async () => {
    const slowpoke = await tenant.user('slowpoke');
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await slowpoke('GET', '/v1/chats')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.at(-1)).toBe(429);
    const other = await tenant.user('bystander');
    expect((await other('GET', '/v1/chats')).status).toBe(200);
  });
});

describe('rate limits across API nodes', () => {
  let database: TestDatabase;
  let nodes: TestApp[];

  beforeAll(async () => {
    database = await createTestDatabase();
    nodes = [await startTestApp({ database }), await startTestApp({ database })];
  });
  afterAll(async () => {
    for (const node of nodes ?? []) await node.close();
    await database?.drop();
  });

  it('counts a user on every node against one limit through Redis', async () => {
    const tenant = await createTenant(nodes[0]!, { limits: { userRequestsPerMinute: 10 } });
    const token = await tenant.token('roamer');
    const headers = { 'x-api-key': tenant.publishableKey, authorization: `Bearer ${token}` };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await nodes[i % 2]!.request('GET', '/v1/chats', { headers })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
