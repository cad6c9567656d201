import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Client } from '@elastic/elasticsearch';

/**
 * Elasticsearch cannot run on this machine, so the search suite runs the real `@elastic/elasticsearch`
 * client against the official `@elastic/elasticsearch-mock`, whose routes here keep documents in memory
 * and answer the requests Parley makes the way Elasticsearch would: aliases, strict mappings with
 * required routing, bulk with external versions, and `_search` with the bool/term/terms/range/match/
 * match_phrase queries, id sort and highlighting Parley sends. The analyzer is approximated (Unicode
 * words, lowercased; Han characters one by one, like the standard tokenizer).
 *
 * It also refuses what must never happen: a search without a tenant filter, a write without routing,
 * a document field the mapping does not have.
 */
export interface FakeElasticsearch {
  client: Client;
  /** Every `_search` body received, to inspect. */
  searches: Record<string, any>[];
  /** The documents of the index behind `alias`, by `_id`. */
  documents(alias: string): Map<string, { source: Record<string, any>; version: number }>;
  /** Indices that exist now. */
  indices(): string[];
  /** Makes the next `count` bulk requests fail with a 503, as an unavailable cluster would. */
  failBulk(count: number): void;
  /** The same fake over real HTTP on loopback, for another process (the CLI) to reach. */
  serve(): Promise<{ url: string; close(): Promise<void> }>;
}

// The mock is CommonJS, and checks responses against the CommonJS build's error class.
const require = createRequire(import.meta.url);
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');

interface Index {
  mappings: Record<string, any>;
  aliases: Set<string>;
  docs: Map<string, { source: Record<string, any>; version: number }>;
}

const fail = (statusCode: number, type: string, reason: string) =>
  new errors.ResponseError({
    body: { error: { type, reason }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as any,
  });

export function fakeElasticsearch(): FakeElasticsearch {
  const mock = new Mock();
  const indices = new Map<string, Index>();
  const searches: Record<string, any>[] = [];
  let bulkFailures = 0;

  const aliased = (alias: string): string[] =>
    [...indices].filter(([, i]) => i.aliases.has(alias)).map(([name]) => name);
  const resolveOne = (name: string): Index | null => {
    const names = indices.has(name) ? [name] : aliased(name);
    return names.length === 1 ? indices.get(names[0]!)! : null;
  };

  mock.add({ method: 'HEAD', path: '/_alias/:name' }, (params: any) =>
    aliased(params.path.split('/')[2]).length > 0 ? '' : fail(404, 'aliases_not_found_exception', 'missing'),
  );
  mock.add({ method: 'GET', path: '/_alias/:name' }, (params: any) => {
    const alias = params.path.split('/')[2];
    const names = aliased(alias);
    if (names.length === 0) return fail(404, 'aliases_not_found_exception', alias);
    return Object.fromEntries(names.map((n) => [n, { aliases: { [alias]: {} } }]));
  });
  mock.add({ method: 'PUT', path: '/:index' }, (params: any) => {
    const name = params.path.slice(1);
    if (indices.has(name)) return fail(400, 'resource_already_exists_exception', name);
    indices.set(name, {
      mappings: params.body?.mappings ?? {},
      aliases: new Set(Object.keys(params.body?.aliases ?? {})),
      docs: new Map(),
    });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  });
  mock.add({ method: 'DELETE', path: '/:index' }, (params: any) => {
    for (const name of decodeURIComponent(params.path.slice(1)).split(',')) indices.delete(name);
    return { acknowledged: true };
  });
  mock.add({ method: 'POST', path: '/_aliases' }, (params: any) => {
    for (const action of params.body.actions) {
      if (action.remove) indices.get(action.remove.index)?.aliases.delete(action.remove.alias);
      if (action.add) indices.get(action.add.index)?.aliases.add(action.add.alias);
    }
    return { acknowledged: true };
  });
  mock.add({ method: ['POST', 'GET'], path: '/:index/_refresh' }, () => ({ _shards: { failed: 0 } }));

  mock.add({ method: ['POST', 'PUT'], path: '/_bulk' }, (params: any) => {
    if (bulkFailures > 0) {
      bulkFailures--;
      return fail(503, 'unavailable_shards_exception', 'fake outage');
    }
    const lines: any[] = params.body;
    const items: any[] = [];
    for (let i = 0; i < lines.length; i++) {
      const [op, meta] = Object.entries(lines[i])[0] as [string, any];
      const source = op === 'index' ? lines[++i] : null;
      const result = (status: number, extra: object = {}) =>
        items.push({ [op]: { _id: meta._id, status, ...extra } });
      const index = resolveOne(meta._index);
      if (!index) {
        result(404, { error: { type: 'index_not_found_exception' } });
        continue;
      }
      if (!meta.routing) {
        result(400, { error: { type: 'routing_missing_exception' } });
        continue;
      }
      const current = index.docs.get(meta._id);
      if (meta.version_type === 'external' && current && meta.version <= current.version) {
        result(409, { error: { type: 'version_conflict_engine_exception' } });
        continue;
      }
      if (op === 'index') {
        const unknown = Object.keys(source).filter((f) => !(f in (index.mappings.properties ?? {})));
        if (index.mappings.dynamic === 'strict' && unknown.length > 0) {
          result(400, { error: { type: 'strict_dynamic_mapping_exception', reason: unknown.join() } });
          continue;
        }
        index.docs.set(meta._id, { source, version: meta.version ?? (current?.version ?? 0) + 1 });
        result(current ? 200 : 201, { result: current ? 'updated' : 'created' });
      } else if (op === 'delete') {
        if (!current) result(404, { result: 'not_found' });
        else {
          index.docs.delete(meta._id);
          result(200, { result: 'deleted' });
        }
      } else {
        result(400, { error: { type: 'unsupported_operation', reason: op } });
      }
    }
    return { took: 1, errors: items.some((item) => Object.values(item as object)[0].error), items };
  });

  mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, (params: any) => {
    const body = params.body ?? {};
    searches.push(body);
    const filters: any[] = body.query?.bool?.filter ?? [];
    if (!filters.some((f) => f.term?.tenantId)) {
      return fail(400, 'fake_refusal', 'a search without a tenant filter would cross tenants');
    }
    const index = resolveOne(decodeURIComponent(params.path.split('/')[1]));
    if (!index) return fail(404, 'index_not_found_exception', params.path);
    const must: any[] = body.query.bool.must ?? [];
    const hits = [...index.docs]
      .filter(([, doc]) => filters.every((f) => matchesFilter(f, doc.source)))
      .filter(([, doc]) => must.every((q) => matchesText(q, tokens(doc.source.text ?? ''))))
      .sort(compareBy(body.sort))
      .slice(0, body.size ?? 10)
      .map(([id, doc]) => {
        const marked = highlight(doc.source.text ?? '', must);
        const includes: string[] | undefined = Array.isArray(body._source) ? body._source : undefined;
        return {
          _index: 'x',
          _id: id,
          _source: includes ? Object.fromEntries(includes.map((f) => [f, doc.source[f]])) : doc.source,
          ...(marked ? { highlight: { text: [marked] } } : {}),
        };
      });
    return { took: 1, timed_out: false, hits: { hits } };
  });

  return {
    client: new Client({ node: 'http://elasticsearch.test:9200', Connection: mock.getConnection() as any }),
    searches,
    documents: (alias) => resolveOne(alias)?.docs ?? new Map(),
    indices: () => [...indices.keys()],
    failBulk: (count) => {
      bulkFailures = count;
    },
    serve: async () => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const url = new URL(req.url ?? '/', 'http://fake');
          const params = {
            method: req.method ?? 'GET',
            path: url.pathname,
            querystring: Object.fromEntries(url.searchParams),
            body: !raw
              ? null
              : (req.headers['content-type'] ?? '').includes('x-ndjson')
                ? raw
                    .split('\n')
                    .filter(Boolean)
                    .map((line) => JSON.parse(line))
                : JSON.parse(raw),
          };
          const resolver = mock.get(params);
          let payload: unknown = resolver ? resolver(params) : { error: 'Mock not found' };
          let status = resolver ? 200 : 404;
          if (payload instanceof errors.ResponseError) {
            status = payload.statusCode ?? 500;
            payload = payload.body;
          }
          res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
          res.end(req.method === 'HEAD' ? undefined : JSON.stringify(payload));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
  };
}

function matchesFilter(filter: any, source: Record<string, any>): boolean {
  if (filter.term) return Object.entries(filter.term).every(([f, v]) => source[f] === v);
  if (filter.terms)
    return Object.entries(filter.terms).every(([f, vs]) => (vs as unknown[]).includes(source[f]));
  if (filter.range) {
    return Object.entries(filter.range).every(
      ([f, r]: [string, any]) => r.lt === undefined || source[f] < r.lt,
    );
  }
  throw new Error(`fake Elasticsearch: unsupported filter ${JSON.stringify(filter)}`);
}

interface Token {
  term: string;
  start: number;
  end: number;
}

function tokens(text: string): Token[] {
  return [...text.matchAll(/\p{Script=Han}|[\p{L}\p{M}\p{N}]+/gu)].map((m) => ({
    term: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Positions (token indexes) where a positive query clause matched, or null when it does not match. */
function matchPositions(query: any, doc: Token[]): number[] | null {
  if (query.bool) {
    const positions: number[] = [];
    for (const q of query.bool.must ?? []) {
      const p = matchPositions(q, doc);
      if (!p) return null;
      positions.push(...p);
    }
    for (const q of query.bool.must_not ?? []) if (matchPositions(q, doc)) return null;
    const should: any[] = query.bool.should ?? [];
    if (should.length > 0) {
      const matched = should.map((q) => matchPositions(q, doc)).filter((p): p is number[] => p !== null);
      if (matched.length < (query.bool.minimum_should_match ?? 1)) return null;
      positions.push(...matched.flat());
    }
    return positions;
  }
  if (query.match) {
    const { query: text, operator } = query.match.text;
    const terms = tokens(text).map((t) => t.term);
    if (terms.length === 0) return null;
    const hits = terms.map((term) => doc.flatMap((t, i) => (t.term === term ? [i] : [])));
    if (operator === 'and' ? hits.some((h) => h.length === 0) : hits.every((h) => h.length === 0))
      return null;
    return hits.flat();
  }
  if (query.match_phrase) {
    const terms = tokens(query.match_phrase.text).map((t) => t.term);
    const positions: number[] = [];
    for (let i = 0; i + terms.length <= doc.length; i++) {
      if (terms.every((term, k) => doc[i + k]!.term === term)) positions.push(...terms.map((_, k) => i + k));
    }
    return positions.length > 0 ? positions : null;
  }
  throw new Error(`fake Elasticsearch: unsupported query ${JSON.stringify(query)}`);
}

const matchesText = (query: any, doc: Token[]): boolean => matchPositions(query, doc) !== null;

function highlight(text: string, must: any[]): string | null {
  const doc = tokens(text);
  const positions = new Set(must.flatMap((q) => matchPositions(q, doc) ?? []));
  if (positions.size === 0) return null;
  let out = '';
  let at = 0;
  for (const i of [...positions].sort((a, b) => a - b)) {
    const token = doc[i]!;
    out += text.slice(at, token.start) + '\u0001' + text.slice(token.start, token.end) + '\u0002';
    at = token.end;
  }
  return out + text.slice(at);
}

function compareBy(sort: any[] | undefined) {
  return ([, a]: [string, any], [, b]: [string, any]): number => {
    for (const clause of sort ?? []) {
      const [field, spec] = Object.entries(clause)[0] as [string, any];
      const desc = (typeof spec === 'string' ? spec : spec.order) === 'desc';
      const x = a.source[field];
      const y = b.source[field];
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}
