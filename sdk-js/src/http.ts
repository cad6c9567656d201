import type { Problem } from '@parley/protocol';
import { codeForStatus, ParleyError } from './errors.js';
import type { Logger } from './logger.js';
import type { Timers } from './timers.js';
import type { TokenManager } from './token.js';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  fetch: Fetch;
  timers: Timers;
  logger: Logger;
  timeoutMs: number;
  /** The session's tokens, or null before `connect()`. */
  tokens: () => TokenManager | null;
  /** A request was refused even with a fresh token: the session cannot go on. */
  onUnauthenticated(error: ParleyError): void;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/**
 * REST over fetch: the publishable key and the user token on every call, problem+json answers turned
 * into `ParleyError`s, and a refused token refreshed through the provider and tried once more.
 */
export class Http {
  constructor(private readonly options: HttpOptions) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const tokens = this.options.tokens();
    if (!tokens) throw new ParleyError('unauthenticated', 'Call connect() with a user token first');
    const first = await this.send(method, path, options, await tokens.current());
    if (first.ok || first.status !== 401 || !tokens.canRefresh) return this.read<T>(first);
    // The token expired early or was revoked: a new one from the provider may do.
    await first.body?.cancel().catch(() => undefined);
    this.options.logger.info('Token refused; refreshing it', { method, path });
    return this.read<T>(await this.send(method, path, options, await tokens.refresh()));
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    token: string,
  ): Promise<Response> {
    // Appended, not resolved: Parley may be served under a path (`https://example.com/chat`).
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      'x-api-key': this.options.apiKey,
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    const controller = new AbortController();
    init.signal = controller.signal;
    let timedOut = false;
    const timer = this.options.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    try {
      return await this.options.fetch(url.toString(), init);
    } catch (error) {
      if (timedOut)
        throw new ParleyError(
          'timeout',
          `${method} ${url.pathname} got no answer in ${this.options.timeoutMs} ms`,
        );
      throw new ParleyError(
        'network_error',
        `${method} ${url.pathname} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    } finally {
      this.options.timers.clearTimeout(timer);
    }
  }

  private async read<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text().catch((error: unknown) => {
      throw new ParleyError('network_error', `Reading the answer failed: ${(error as Error).message}`);
    });
    const body: unknown = text ? safeJson(text) : undefined;
    if (response.ok) return body as T;
    const problem = (body ?? {}) as Partial<Problem>;
    const error = new ParleyError(
      typeof problem.code === 'string' ? problem.code : codeForStatus(response.status),
      problem.detail ?? `HTTP ${response.status}`,
      { status: response.status, requestId: problem.requestId ?? null, fields: problem.errors ?? [] },
    );
    if (error.code === 'unauthenticated') this.options.onUnauthenticated(error);
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
