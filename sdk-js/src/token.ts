import { backoffDelay } from './backoff.js';
import { asParleyError, ParleyError } from './errors.js';
import type { Logger } from './logger.js';
import { Timer, type Timers } from './timers.js';

/**
 * Returns a fresh user token, typically by asking your backend (which signs it with
 * `createUserToken`). The SDK calls it at connect, before the current token expires, and when the
 * server refuses a token.
 */
export type TokenProvider = () => Promise<string>;

/** A provider handing out tokens about to expire is not asked more often than this. */
const MIN_REFRESH_DELAY_MS = 1_000;

interface TokenClaims {
  sub: string | null;
  /** Milliseconds since the epoch; null when the token has no `exp`. */
  expiresAt: number | null;
}

/** Reads a JWT's payload without verifying it (the server does that): who it names and when it expires. */
export function readTokenClaims(token: string): TokenClaims {
  const part = token.split('.')[1];
  if (!part) return { sub: null, expiresAt: null };
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown; exp?: unknown };
    return {
      sub: typeof payload.sub === 'string' ? payload.sub : null,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
  } catch {
    // Not a JWT we can read: the server will say what is wrong with it.
    return { sub: null, expiresAt: null };
  }
}

export interface TokenManagerOptions {
  timers: Timers;
  logger: Logger;
  random: () => number;
  /** Refresh this long before `exp` (at most half the remaining lifetime). */
  refreshBeforeExpiryMs: number;
  onRefreshed(token: string): void;
  onRefreshFailed(error: ParleyError): void;
}

/**
 * Holds the current user token: a fixed one, or one from a provider that is asked again before the
 * token expires and whenever the server refuses it. Concurrent refreshes share one provider call.
 */
export class TokenManager {
  private token: string | null;
  private inFlight: Promise<string> | null = null;
  private readonly timer: Timer;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly source: string | TokenProvider,
    private readonly options: TokenManagerOptions,
  ) {
    this.token = typeof source === 'string' ? source : null;
    this.timer = new Timer(options.timers);
  }

  /** True when a new token can be had (a provider was given). */
  get canRefresh(): boolean {
    return typeof this.source === 'function';
  }

  /** The user the token names (`sub`), once a token is known. */
  get userId(): string | null {
    return this.token ? readTokenClaims(this.token).sub : null;
  }

  /** The current token, asking the provider first if there is none yet. */
  async current(): Promise<string> {
    return this.token ?? this.refresh();
  }

  /** A new token from the provider (a fixed token is returned as it is). */
  refresh(): Promise<string> {
    if (typeof this.source === 'string') return Promise.resolve(this.source);
    const provider = this.source;
    this.inFlight ??= (async () => {
      try {
        const token = await provider();
        if (typeof token !== 'string' || token.length === 0)
          throw new ParleyError('unauthenticated', 'The token provider returned no token');
        if (this.stopped) return token;
        this.token = token;
        this.failures = 0;
        this.schedule(token);
        this.options.onRefreshed(token);
        return token;
      } catch (error) {
        const failure = asParleyError(error);
        this.options.logger.warn('The token provider failed', failure);
        this.options.onRefreshFailed(failure);
        if (!this.stopped) this.retryLater();
        throw failure;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** Arms the refresh for a token that came from elsewhere (the first one, given to `connect`). */
  start(): void {
    this.stopped = false;
    if (this.token && this.canRefresh) this.schedule(this.token);
  }

  stop(): void {
    this.stopped = true;
    this.timer.cancel();
  }

  private schedule(token: string): void {
    const { expiresAt } = readTokenClaims(token);
    if (expiresAt === null || !this.canRefresh) return;
    const remaining = expiresAt - this.options.timers.now();
    // Already expired: the server will refuse it and that refreshes; no loop asking the provider.
    if (remaining <= 0) return;
    const margin = Math.min(this.options.refreshBeforeExpiryMs, remaining / 2);
    this.timer.set(
      Math.max(MIN_REFRESH_DELAY_MS, remaining - margin),
      () => void this.refresh().catch(() => undefined),
    );
  }

  /** A failed refresh is tried again with backoff while the current token may still work. */
  private retryLater(): void {
    const delay = backoffDelay(this.failures++, { initialDelayMs: 1_000 }, this.options.random);
    this.timer.set(delay, () => void this.refresh().catch(() => undefined));
  }
}
