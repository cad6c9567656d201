import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionChange, ParleyClient, ParleyError } from '@parley/sdk';
import { createUserToken } from '@parley/sdk/server';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, newClient, sleep } from './support.js';

describe('SDK: tokens', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let proxy: TcpProxy;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(app.baseUrl).port) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await proxy?.close();
    await app?.close();
  });

  function watch(client: ParleyClient) {
    const seen = { errors: [] as ParleyError[], failed: [] as ConnectionChange[], states: [] as string[] };
    client.on('error', (error) => seen.errors.push(error));
    client.on('failed', (change) => seen.failed.push(change));
    client.on('connection', ({ state }) => seen.states.push(state));
    return seen;
  }

  function client(): ParleyClient {
    const created = newClient(proxy.url(app.baseUrl), tenant);
    clients.push(created);
    return created;
  }

  it('signs tokens the server accepts (createUserToken) and refreshes them before they expire', async () => {
    await upsertUser(tenant.server(), 'kai');
    await upsertUser(tenant.server(), 'lea');
    const issued: string[] = [];
    // 3 s tokens: each is renewed halfway; the server's 5 s clock tolerance is long past at the end.
    const provider = async () => {
      const token = createUserToken(tenant.secretKey, 'kai', { expiresIn: 3 });
      issued.push(token);
      return token;
    };
    const kai = client();
    const seen = watch(kai);
    await kai.connect(provider);
    expect(kai.userId).toBe('kai');
    const chat = await kai.chats.openDirect('lea');
    await sleep(9_500);
    expect(issued.length).toBeGreaterThanOrEqual(5);

    // REST with the current token, and a reconnect after a network cut, just work.
    expect((await kai.chats.list()).data.map((c) => c.id)).toEqual([chat.id]);
    proxy.cut();
    await eventually(() => expect(kai.connectionState).not.toBe('online'));
    proxy.restore();
    await eventually(() => expect(kai.connectionState).toBe('online'));
    await chat.send('still me');
    expect(seen.errors).toEqual([]);
    expect(seen.failed).toEqual([]);
  }, 30_000);

  it('asks for a new token when the server refuses the one it has', async () => {
    await upsertUser(tenant.server(), 'max');
    let calls = 0;
    const stale = createUserToken(tenant.secretKey, 'max', { expiresIn: 60, now: Date.now() - 3_600_000 });
    const max = client();
    const seen = watch(max);
    await max.connect(async () =>
      ++calls === 1 ? stale : createUserToken(tenant.secretKey, 'max', { expiresIn: 600 }),
    );
    expect(calls).toBe(2);
    expect(max.connectionState).toBe('online');
    expect(seen.failed).toEqual([]);
  });

  it('fails clearly, and stops trying, when the user’s tokens are revoked', async () => {
    await upsertUser(tenant.server(), 'ned');
    const ned = client();
    const seen = watch(ned);
    await ned.connect(await tenant.token('ned'));
    expect((await tenant.server()('DELETE', '/v1/users/ned/tokens')).status).toBe(204);

    proxy.cut();
    proxy.restore();
    await eventually(() => expect(ned.connectionState).toBe('failed'));
    expect(seen.failed).toHaveLength(1);
    expect(seen.failed[0]!.error).toMatchObject({
      code: 'unauthenticated',
      message: expect.stringMatching(/revoked/),
    });
    expect(seen.errors.map((e) => e.code)).toEqual(['unauthenticated']);
    const attempts = seen.states.length;
    await sleep(800);
    expect(seen.states.length).toBe(attempts);
    await expect(ned.chats.list()).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('fails clearly for an erased user even though the provider keeps signing tokens', async () => {
    await upsertUser(tenant.server(), 'oda');
    let calls = 0;
    const oda = client();
    const seen = watch(oda);
    await oda.connect(async () => {
      calls += 1;
      return createUserToken(tenant.secretKey, 'oda', { expiresIn: 600 });
    });
    expect((await tenant.server()('DELETE', '/v1/users/oda')).status).toBe(204);
    proxy.cut();
    proxy.restore();
    await eventually(() => expect(oda.connectionState).toBe('failed'));
    expect(calls).toBe(2); // one refresh after the refusal, then it gives up
    expect(seen.failed[0]!.error).toMatchObject({
      code: 'unauthenticated',
      message: expect.stringMatching(/erased/),
    });
  });
});
