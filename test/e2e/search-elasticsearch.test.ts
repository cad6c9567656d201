import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { List, Message, SearchHit } from '@parley/protocol';
import { ELASTICSEARCH_CLIENT, MESSAGES_ALIAS, SearchIndexer } from '@parley/search';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { fakeElasticsearch, type FakeElasticsearch } from '../support/fake-elasticsearch.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { searchContract } from './search-suite.js';

// Elasticsearch cannot run here: the real client talks to the official mock (see fake-elasticsearch.ts).
const startWith = (es: FakeElasticsearch): Promise<TestApp> =>
  startTestApp({
    env: { ELASTICSEARCH_URL: 'http://elasticsearch.test:9200', PARLEY_RATE_LIMITS: 'off' },
    overrides: [{ provide: ELASTICSEARCH_CLIENT, useValue: es.client }],
  });

const contractBackend = fakeElasticsearch();
searchContract('Elasticsearch, through @elastic/elasticsearch-mock', () => startWith(contractBackend));

describe('search on Elasticsearch', () => {
  const es = fakeElasticsearch();
  let app: TestApp;
  let tenant: TestTenant;
  let alice: Call;
  let chatId: string;

  const send = async (text: string): Promise<Message> =>
    (await alice('POST', `/v1/chats/${chatId}/messages`, { clientId: crypto.randomUUID(), text })).body;
  const search = async (q: string): Promise<string[]> => {
    const reply = await alice('GET', `/v1/search?q=${encodeURIComponent(q)}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body as List<SearchHit>).data.map((h) => h.message.id);
  };
  const indexed = async (messageId: string, present = true): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (es.documents(MESSAGES_ALIAS).has(`${tenant.id}:${messageId}`) !== present) {
      if (Date.now() > deadline)
        throw new Error(`message ${messageId} never ${present ? 'indexed' : 'removed'}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    app = await startWith(es);
    tenant = await createTenant(app);
    await upsertUser(tenant.server(), 'alice');
    alice = await tenant.user('alice', { upsert: false });
    chatId = (await tenant.server()('POST', '/v1/chats', { kind: 'group', title: 'g', members: ['alice'] }))
      .body.id;
  });
  afterAll(() => app?.close());

  it("indexes each message under its tenant's id and routing; every search filters by tenant", async () => {
    const message = await send('Hello <b>there</b>');
    await indexed(message.id);
    expect(es.documents(MESSAGES_ALIAS).get(`${tenant.id}:${message.id}`)).toEqual({
      source: {
        tenantId: tenant.id,
        chatId,
        messageId: message.id,
        text: 'Hello <b>there</b>',
        createdAt: message.createdAt,
      },
      version: message.version,
    });
    expect(await search('there')).toEqual([message.id]);
    expect(es.searches.length).toBeGreaterThan(0);
    for (const body of es.searches) {
      expect(body.query.bool.filter).toContainEqual({ term: { tenantId: tenant.id } });
    }
  });

  it('never shows a hit the index still has but Postgres has deleted', async () => {
    const message = await send('stale heron');
    await indexed(message.id);
    const document = es.documents(MESSAGES_ALIAS).get(`${tenant.id}:${message.id}`)!;
    await alice('DELETE', `/v1/chats/${chatId}/messages/${message.id}`);
    await indexed(message.id, false);
    // The index lags (its delete not applied yet): the hit is still dropped.
    es.documents(MESSAGES_ALIAS).set(`${tenant.id}:${message.id}`, document);
    expect(await search('heron')).toEqual([]);
  });

  it('retries indexing while Elasticsearch is unavailable', async () => {
    // The client itself retries a 503 three times; the fourth failure fails the job, which runs again.
    es.failBulk(4);
    const message = await send('patient pelican');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await search('pelican')).toEqual([]);
    await indexed(message.id);
    expect(await search('pelican')).toEqual([message.id]);
  });

  it('rebuilds the index from Postgres: a new index behind the alias, live messages only', async () => {
    const kept = await send('durable dolphin');
    const dropped = await send('doomed dolphin');
    await alice('DELETE', `/v1/chats/${chatId}/messages/${dropped.id}`);
    await indexed(kept.id);
    const before = es.indices();
    // An index that drifted: lost one document, kept one that should be gone.
    es.documents(MESSAGES_ALIAS).delete(`${tenant.id}:${kept.id}`);
    es.documents(MESSAGES_ALIAS).set(`${tenant.id}:${dropped.id}`, {
      source: { tenantId: tenant.id, chatId, messageId: dropped.id, text: 'doomed dolphin', createdAt: '' },
      version: 1,
    });

    const report = await app.app.get(SearchIndexer).reindex();

    expect(report.replaced).toEqual(before);
    expect(es.indices()).toEqual([report.index]);
    // The live messages of this file: "Hello there", "patient pelican", "durable dolphin".
    expect(report).toMatchObject({ tenants: 1, indexed: 3 });
    expect(es.documents(MESSAGES_ALIAS).has(`${tenant.id}:${dropped.id}`)).toBe(false);
    expect(await search('dolphin')).toEqual([kept.id]);
    // Live indexing carries on into the new index.
    const after = await send('dolphin again');
    await indexed(after.id);
    expect(await search('dolphin')).toEqual([after.id, kept.id]);
  });
});

describe('search indexing on shutdown', () => {
  it('indexes the last batch before the app stops', async () => {
    const es = fakeElasticsearch();
    const app = await startWith(es);
    const tenant = await createTenant(app);
    await upsertUser(tenant.server(), 'zoe');
    const chat = (await tenant.server()('POST', '/v1/chats', { kind: 'group', members: ['zoe'] })).body.id;
    const sent = await tenant.server('zoe')('POST', `/v1/chats/${chat}/messages`, {
      clientId: 'last',
      text: 'last words',
    });
    await app.close();
    expect(es.documents(MESSAGES_ALIAS).has(`${tenant.id}:${sent.body.id}`)).toBe(true);
  });
});
