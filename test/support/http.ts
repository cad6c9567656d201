import { expect } from 'vitest';
import type { ErrorCode } from '@parley/protocol';
import { responseContract } from './openapi.js';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, for malformed-body tests. */
  rawBody?: string;
  /** Sent as `multipart/form-data` (uploads). */
  form?: FormData;
}

/**
 * One HTTP call on loopback; the body comes back parsed when it is JSON. The answer is checked
 * against `openapi/openapi.json` (status, media type, body schema): one that the document does not
 * allow fails the test, whatever the test itself expects.
 */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | FormData | undefined = options.form ?? options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') && text ? JSON.parse(text) : text;
  responseContract().check(method, path, response.status, response.headers.get('content-type'), parsed);
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Asserts a problem+json answer with this status and stable code. */
export function expectProblem(reply: Reply, status: number, code: ErrorCode): void {
  expect({ status: reply.status, code: reply.body?.code }, JSON.stringify(reply.body)).toEqual({
    status,
    code,
  });
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
  expect(typeof reply.body.detail).toBe('string');
}
