import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELASTICSEARCH_CLIENT, MESSAGES_ALIAS } from '@parley/search';
import { createTenant, upsertUser } from '../factories/tenants.js';
import { TEST_MASTER_KEY } from '../support/environment.js';
import { fakeElasticsearch } from '../support/fake-elasticsearch.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const run = promisify(execFile);

/** `npm run parley -- reindex`, as built, against the server's database and the fake Elasticsearch over HTTP. */
describe('operator CLI: reindex', () => {
  const es = fakeElasticsearch();
  let database: TestDatabase;
  let app: TestApp;
  let http: { url: string; close(): Promise<void> };
  const cli = (env: Record<string, string>) =>
    run(process.execPath, ['dist/apps/api/src/cli.js', 'reindex'], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, PARLEY_MASTER_KEY: TEST_MASTER_KEY, ...env },
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    http = await es.serve();
    app = await startTestApp({
      database,
      env: { ELASTICSEARCH_URL: http.url },
      overrides: [{ provide: ELASTICSEARCH_CLIENT, useValue: es.client }],
    });
  });
  afterAll(async () => {
    await app?.close();
    await http?.close();
    await database?.drop();
  });

  it('rebuilds the index from Postgres into a new index behind the alias', async () => {
    const tenant = await createTenant(app);
    await upsertUser(tenant.server(), 'ann');
    const chat = (await tenant.server()('POST', '/v1/chats', { kind: 'group', members: ['ann'] })).body.id;
    const sent = await tenant.server('ann')('POST', `/v1/chats/${chat}/messages`, {
      clientId: 'c1',
      text: 'rebuild me',
    });
    const id = `${tenant.id}:${sent.body.id}`;
    while (!es.documents(MESSAGES_ALIAS).has(id)) await new Promise((resolve) => setTimeout(resolve, 25));
    const before = es.indices();

    const { stdout } = await cli({ ELASTICSEARCH_URL: http.url, LOG_LEVEL: 'error' });

    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ replaced: before, tenants: 1, indexed: 1 });
    expect(es.indices()).toEqual([report.index]);
    expect(es.documents(MESSAGES_ALIAS).has(id)).toBe(true);
    const found = await tenant.server()('GET', '/v1/search?q=rebuild');
    expect(found.body.data.map((h: { message: { id: string } }) => h.message.id)).toEqual([sent.body.id]);
  });

  it('says there is nothing to rebuild when search runs on Postgres', async () => {
    const { stdout } = await cli({});
    expect(stdout).toContain('ELASTICSEARCH_URL is not set');
  });
});
