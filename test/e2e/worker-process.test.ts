import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '@parley/protocol';
import { MESSAGES_ALIAS } from '@parley/search';
import { createTenant, upsertUser } from '../factories/tenants.js';
import { spawnApi, type ApiProcess } from '../support/api-process.js';
import { REDIS_URL, TEST_ADMIN_TOKEN, TEST_MASTER_KEY } from '../support/environment.js';
import { request } from '../support/http.js';
import { dropQueueKeys, newQueuePrefix } from '../support/queue-prefix.js';
import { fakeElasticsearch } from '../support/fake-elasticsearch.js';
import { Receiver } from '../support/receiver.js';
import { eventually } from '../support/socket.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import type { TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `apps/worker` as built, the way a scaled-out install runs it. */
function spawnWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

describe('apps/worker runs the jobs of API nodes that do not (PARLEY_WORKERS=off)', () => {
  let database: TestDatabase;
  let api: ApiProcess;
  let worker: ReturnType<typeof spawnWorker> | undefined;
  let receiver: Receiver;
  let search: { url: string; close(): Promise<void> };
  const es = fakeElasticsearch();
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await new Receiver().start();
    search = await es.serve();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      PARLEY_MASTER_KEY: TEST_MASTER_KEY,
      PARLEY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PARLEY_QUEUE_PREFIX: newQueuePrefix(),
      PARLEY_ALLOW_PRIVATE_URLS: 'on',
      PARLEY_RATE_LIMITS: 'off',
      ELASTICSEARCH_URL: search.url,
    };
    api = await spawnApi({ ...env, PARLEY_WORKERS: 'off' });
  });
  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await api?.stop('SIGKILL');
    await receiver?.stop();
    await search?.close();
    if (env) await dropQueueKeys(env.PARLEY_QUEUE_PREFIX!);
    await database?.drop();
  });

  it('leaves webhook and index jobs in Redis until a worker starts, which runs them and drains on SIGTERM', async () => {
    const app = {
      request: (method: string, path: string, options?: object) =>
        request(api.baseUrl, method, path, options),
    } as unknown as TestApp;
    const tenant = await createTenant(app);
    const server = tenant.server();
    const hook = await server('POST', '/v1/webhooks', {
      url: `${receiver.url}/hook`,
      events: ['message.new'],
    });
    expect(hook.status).toBe(201);
    for (const id of ['wanda', 'walt']) await upsertUser(server, id);
    const chat = await server('POST', '/v1/chats', { kind: 'group', title: 'w', members: ['wanda', 'walt'] });
    const sent = await tenant.server('wanda')('POST', `/v1/chats/${chat.body.id}/messages`, {
      clientId: 'w1',
      text: 'for the worker',
    });
    expect(sent.status).toBe(201);
    await sleep(1_000);
    expect(receiver.requests).toHaveLength(0);
    // Documents are keyed by tenant and message.
    const document = `${tenant.id}:${sent.body.id}`;
    expect(es.documents(MESSAGES_ALIAS).has(document)).toBe(false);

    worker = spawnWorker(env);
    await eventually(() => /worker started/.test(worker!.output()), 30_000);
    await eventually(() => receiver.requests.length === 1, 15_000);
    const event = JSON.parse(receiver.requests[0]!.body.toString()) as WebhookEvent;
    expect(event).toMatchObject({ type: 'message.new', data: { message: { id: sent.body.id } } });
    await eventually(() => expect(es.documents(MESSAGES_ALIAS).has(document)).toBe(true), 15_000);

    const exited = new Promise<number | null>((resolve) => worker!.child.once('exit', resolve));
    worker.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start without Redis (PARLEY_WORKERS=off without Redis is refused by the config schema)', async () => {
    const noRedis = spawnWorker({ ...env, REDIS_URL: '' });
    const code = await new Promise<number | null>((resolve) => noRedis.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(noRedis.output()).toMatch(/REDIS_URL/);
  });
});
