import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../support/environment.js';
import { eventually } from '../support/socket.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Postgres and Redis "stop" by cutting a proxy in front of them; the shared services keep running. */
describe('readiness when a dependency goes away', () => {
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const pgUrl = new URL(database.url);
    pgProxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    const redisUrl = new URL(REDIS_URL);
    redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    app = await startTestApp({
      database: { url: pgProxy.url(database.url), drop: () => Promise.resolve() },
      env: { REDIS_URL: redisProxy.url(REDIS_URL) },
    });
  });
  afterAll(async () => {
    pgProxy?.restore();
    redisProxy?.restore();
    await app?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.drop();
  });

  async function readiness(): Promise<{
    status: number;
    body: { checks: Record<string, string> };
    ms: number;
  }> {
    const started = Date.now();
    const reply = await app.request('GET', '/readyz');
    return { status: reply.status, body: reply.body, ms: Date.now() - started };
  }

  it.each([
    ['Redis', () => redisProxy, 'redis'],
    ['Postgres', () => pgProxy, 'database'],
  ] as const)(
    'turns unready within 2 s when %s goes away, and ready again after',
    async (_name, proxy, check) => {
      expect((await readiness()).status).toBe(200);
      proxy().cut();
      const unready = await eventually(async () => {
        const answer = await readiness();
        return answer.status === 503 ? answer : false;
      }, 2_000);
      expect(unready.body.checks[check]).toBe('down');
      expect(unready.ms).toBeLessThan(2_000);
      expect((await app.request('GET', '/healthz')).status).toBe(200);
      proxy().restore();
      await eventually(async () => (await readiness()).status === 200, 10_000);
    },
  );
});
