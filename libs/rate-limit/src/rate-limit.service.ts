import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, type Config } from '@parley/config';
import { RateLimitedError } from '@parley/errors';
import type { Actor } from '@parley/tenancy';
import type { RateCounter } from './rate-counter.js';

export const RATE_COUNTER = Symbol('parley.rate-counter');

interface RateRule {
  key: string;
  limit: number;
  windowMs: number;
  what: string;
}

const MINUTE = 60_000;

/** Guest identities one client address may create per tenant per hour. */
export const GUESTS_PER_ADDRESS_PER_HOUR = 20;

/** Request and send limits per user and per tenant, from the tenant's settings. */
@Injectable()
export class RateLimitService implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private lastFailureLogged = 0;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RATE_COUNTER) private readonly counter: RateCounter,
  ) {}

  /** Any call by a tenant caller: counted per tenant and per acting user. */
  checkRequest(actor: Actor): Promise<void> {
    const { limits } = actor.settings;
    const rules: RateRule[] = [
      {
        key: `t:${actor.tenantId}`,
        limit: limits.tenantRequestsPerMinute,
        windowMs: MINUTE,
        what: 'requests for this tenant',
      },
    ];
    if (actor.userId) {
      rules.push({
        key: `u:${actor.tenantId}:${actor.userId}`,
        limit: limits.userRequestsPerMinute,
        windowMs: MINUTE,
        what: 'requests from this user',
      });
    }
    return this.consume(rules);
  }

  /** A message send, per acting user per second, on top of the request limits. */
  checkSend(actor: Actor): Promise<void> {
    const subject = actor.userId ?? '-';
    return this.consume([
      {
        key: `s:${actor.tenantId}:${subject}`,
        limit: actor.settings.limits.messagesPerSecond,
        windowMs: 1_000,
        what: 'messages from this user',
      },
    ]);
  }

  /** Guest sign-up carries no identity but its client address, so that is what it is counted by. */
  checkGuestSignup(actor: Actor, clientAddress: string): Promise<void> {
    return this.consume([
      {
        key: `g:${actor.tenantId}:${clientAddress}`,
        limit: GUESTS_PER_ADDRESS_PER_HOUR,
        windowMs: 60 * MINUTE,
        what: 'guests from this address',
      },
    ]);
  }

  onModuleDestroy(): void {
    this.counter.close();
  }

  private async consume(rules: RateRule[]): Promise<void> {
    if (!this.config.rateLimits) return;
    for (const rule of rules) {
      let outcome: { count: number; resetInMs: number };
      try {
        outcome = await this.counter.hit(rule.key, rule.windowMs);
      } catch (error) {
        // Limits protect the service; an unreachable counter must not take the service down with it.
        this.logFailure(error);
        return;
      }
      if (outcome.count > rule.limit)
        throw new RateLimitedError(Math.max(1, Math.ceil(outcome.resetInMs / 1000)), rule.what);
    }
  }

  private logFailure(error: unknown): void {
    if (Date.now() - this.lastFailureLogged < 10_000) return;
    this.lastFailureLogged = Date.now();
    this.logger.warn(`Rate limits not enforced: counter unavailable (${(error as Error).message})`);
  }
}
