import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderOpenApi } from '../../apps/api/src/contract.js';
import { OPENAPI_PATH } from '../support/openapi.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, any>;

/** Routes that serve the console and the document themselves rather than the API. */
const CONSOLE_ROUTE = /^\/(docs(\/.*)?|openapi\.json)$/;

const committed = (): string => readFileSync(OPENAPI_PATH, 'utf8');

/** Where two texts first differ, for a message a person can act on. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? Math.min(a.length, b.length) : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '(end)')}, code ${JSON.stringify(b[at] ?? '(end)')}`;
}

/** Follows `$ref`s inside the document. */
function resolve(spec: Json, value: Json): Json {
  if (typeof value.$ref !== 'string') return value;
  const target = (value.$ref as string)
    .slice(2)
    .split('/')
    .reduce<Json>((node, segment) => node[segment.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  return resolve(spec, target);
}

const operations = (spec: Json): [string, Json][] =>
  Object.entries<Json>(spec.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item).map(([method, operation]): [string, Json] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );

describe('openapi/openapi.json', () => {
  let generated: string;
  let spec: Json;
  beforeAll(async () => {
    generated = await renderOpenApi();
    spec = JSON.parse(generated) as Json;
  });

  test('is what the code generates (no drift)', () => {
    const text = committed();
    if (text !== generated) {
      expect.fail(
        `openapi/openapi.json differs from what the code generates (${firstDifference(text, generated)}). ` +
          'Run `npm run openapi` and commit openapi/.',
      );
    }
  });

  test('passes an OpenAPI 3.1 validator', async () => {
    const result = await validate(structuredClone(spec) as never);
    expect(result.valid ? [] : result.errors, 'OpenAPI validation errors').toEqual([]);
    expect(spec.openapi).toBe('3.1.0');
  });

  test('every operation has a summary, security per its access level, and the problem+json errors', () => {
    const missing = operations(spec).flatMap(([name, operation]) => {
      const problems: string[] = [];
      if (!operation.summary) problems.push('no summary (@ApiRoute)');
      if (!Object.keys(operation.responses).some((status) => /^2/.test(status)))
        problems.push('no success answer');
      if (!operation.responses['500']) problems.push('no 500');
      const public_ =
        name.startsWith('GET /healthz') ||
        name.startsWith('GET /readyz') ||
        name.startsWith('GET /metrics') ||
        name.startsWith('GET /widget.js');
      if (!public_ && !operation.security?.length) problems.push('no security');
      if (!public_ && !operation.responses['401']) problems.push('no 401');
      return problems.map((problem) => `${name}: ${problem}`);
    });
    expect(missing).toEqual([]);
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual([
      'operatorToken',
      'publishableKey',
      'secretKey',
      'userToken',
    ]);
    const problem = resolve(spec, spec.components.responses.not_found).content['application/problem+json'];
    expect(problem.schema.allOf[0].$ref).toBe('#/components/schemas/Problem');
    expect(spec.components.schemas.ErrorCode.enum).toContain('origin_not_allowed');
  });

  test('request bodies and JSON answers come with examples', () => {
    const hasExample = (schema: Json): boolean => {
      const target = resolve(spec, schema);
      if (target.example !== undefined || target.examples !== undefined) return true;
      // A list shows its items' example; `{ data: [Item], nextCursor }`.
      const items = target.properties?.data?.items as Json | undefined;
      return items !== undefined && hasExample(items);
    };
    const missing = operations(spec).flatMap(([name, operation]) => {
      const bodies: [string, Json][] = [];
      const request = operation.requestBody?.content?.['application/json']?.schema as Json | undefined;
      if (request) bodies.push(['request body', request]);
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        const schema = resolve(spec, response).content?.['application/json']?.schema as Json | undefined;
        if (schema && /^2/.test(status)) bodies.push([`${status} answer`, schema]);
      }
      return bodies.filter(([, schema]) => !hasExample(schema)).map(([what]) => `${name}: ${what}`);
    });
    // Health answers are enums only; Swagger UI shows their values.
    expect(missing.filter((entry) => !/\/(healthz|readyz)/.test(entry))).toEqual([]);
  });
});

describe('the running API', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api?.close();
  });

  test('every route it registered is in openapi/openapi.json, and nothing else', () => {
    const spec = JSON.parse(committed()) as Json;
    const documented = operations(spec)
      .map(([name]) => name)
      .sort();
    const router = (api.app.getHttpAdapter().getInstance() as Express).router as unknown as {
      stack: { route?: { path: string; methods: Record<string, boolean> } }[];
    };
    const registered = router.stack
      .flatMap(({ route }) =>
        route && !CONSOLE_ROUTE.test(route.path)
          ? Object.keys(route.methods)
              .filter((method) => method !== '_all')
              .map((method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
          : [],
      )
      .sort();
    expect(registered.length).toBeGreaterThan(40);
    expect(
      registered.filter((route) => !documented.includes(route)),
      'routes missing from the document',
    ).toEqual([]);
    expect(
      documented.filter((route) => !registered.includes(route)),
      'documented routes that do not exist',
    ).toEqual([]);
  });

  test('serves the committed document at /openapi.json', async () => {
    const reply = await api.request('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(committed()));
  });

  test('serves the console at /docs, with Swagger UI from this server and no credentials asked', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const sources = [...(page.body as string).matchAll(/(?:src|href)=['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    expect(
      sources.filter((url) => /^(https?:)?\/\//.test(url)),
      'assets from elsewhere',
    ).toEqual([]);
    expect(sources).toContain('./docs/swagger-ui-bundle.js');
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/swagger-ui-init.js']) {
      const reply = await api.request('GET', asset);
      expect(reply.status, asset).toBe(200);
    }
    const init = (await api.request('GET', '/docs/swagger-ui-init.js')).body as string;
    expect(init).toContain('"openapi": "3.1.0"');
  });
});
