import { expect } from 'vitest';
import type { CreateTenantBody, TenantCreated } from '@parley/protocol';
import { TEST_ADMIN_TOKEN } from '../support/environment.js';
import type { Reply, RequestOptions } from '../support/http.js';
import type { TestApp } from '../support/test-app.js';

export type Call = <T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply<T>>;

export interface TestTenant extends TenantCreated {
  /** Calls with the secret key; `onBehalfOf` adds X-On-Behalf-Of. */
  server(onBehalfOf?: string): Call;
  /** Upserts the user (unless told not to) and calls as them with the publishable key and a minted token. */
  user(userId: string, options?: { upsert?: boolean; origin?: string }): Promise<Call>;
  /** A user token minted through the API. */
  token(userId: string, expiresIn?: number): Promise<string>;
}

const caller =
  (app: TestApp, baseHeaders: Record<string, string>): Call =>
  (method, path, body, headers) => {
    const options: RequestOptions = { headers: { ...baseHeaders, ...headers } };
    if (body !== undefined) options.body = body;
    return app.request(method, path, options);
  };

export const operator = (app: TestApp): Call => caller(app, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

let counter = 0;

export async function createTenant(
  app: TestApp,
  overrides: Partial<CreateTenantBody> = {},
): Promise<TestTenant> {
  const reply = await operator(app)<TenantCreated>('POST', '/v1/tenants', {
    name: `Tenant ${++counter}`,
    ...overrides,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  const created = reply.body;
  const server = (onBehalfOf?: string): Call =>
    caller(app, {
      authorization: `Bearer ${created.secretKey}`,
      ...(onBehalfOf ? { 'x-on-behalf-of': onBehalfOf } : {}),
    });
  const token = async (userId: string, expiresIn?: number): Promise<string> => {
    const minted = await server()(
      'POST',
      `/v1/users/${encodeURIComponent(userId)}/tokens`,
      expiresIn ? { expiresIn } : {},
    );
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    return minted.body.token as string;
  };
  return {
    ...created,
    server,
    token,
    user: async (userId, options = {}) => {
      if (options.upsert !== false) await upsertUser(server(), userId);
      const headers: Record<string, string> = {
        'x-api-key': created.publishableKey,
        authorization: `Bearer ${await token(userId)}`,
      };
      if (options.origin) headers.origin = options.origin;
      return caller(app, headers);
    },
  };
}

export async function upsertUser(
  server: Call,
  userId: string,
  body: Record<string, unknown> = { name: userId },
): Promise<void> {
  const reply = await server('PUT', `/v1/users/${encodeURIComponent(userId)}`, body);
  expect([200, 201], JSON.stringify(reply.body)).toContain(reply.status);
}
