import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@parley/config';
import { parseInput } from '@parley/errors';
import { UserIdSchema } from '@parley/protocol';
import type { AccessLevel, Actor, Caller } from './actor.js';
import { looksLikePublishableKey, looksLikeSecretKey } from './api-keys.js';
import { originAllowed } from './origins.js';
import {
  ActingUserNotFoundError,
  OriginNotAllowedError,
  SecretKeyRequiredError,
  UnauthenticatedError,
} from './tenancy.errors.js';
import { TenantsService, type AuthenticatedTenant } from './tenants.service.js';
import { UserAuthRepository } from './user-auth.repository.js';
import { TtlCache } from './ttl-cache.js';
import { verifyUserToken, type VerifiedUserToken } from './user-tokens.js';

/** Credentials as any transport carries them (HTTP headers, socket handshake). */
export interface Credentials {
  /** The bearer value: operator token, secret key, or user token. */
  bearer?: string | undefined;
  apiKey?: string | undefined;
  onBehalfOf?: string | undefined;
  origin?: string | undefined;
}

/**
 * Turns credentials into a caller, per DESIGN.md "Tenancy and authentication". Every failure is an
 * `unauthenticated` (or `origin_not_allowed`) error saying which part was wrong.
 */
@Injectable()
export class AuthService {
  /** As long as key lookups are cached (TenantsService), so a revoked key stops working just as soon. */
  private readonly verifiedTokens = new TtlCache<VerifiedUserToken>(5_000);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly tenants: TenantsService,
    private readonly users: UserAuthRepository,
  ) {}

  async authenticate(
    credentials: Credentials,
    access: Exclude<AccessLevel, 'public' | 'signed'>,
  ): Promise<Caller> {
    if (access === 'operator') {
      this.checkOperatorToken(credentials.bearer);
      return { kind: 'operator' };
    }
    const { bearer, apiKey } = credentials;
    if (access === 'publishable') return { kind: 'tenant', actor: await this.asPublishable(credentials) };
    if (bearer?.startsWith('sk_')) return { kind: 'tenant', actor: await this.asServer(credentials) };
    if (access === 'server')
      throw apiKey ? new SecretKeyRequiredError() : new UnauthenticatedError(MISSING_SECRET);
    if (!apiKey) throw new UnauthenticatedError(bearer ? MISSING_API_KEY : MISSING_CREDENTIALS);
    return { kind: 'tenant', actor: await this.asUser(credentials) };
  }

  /** The tenant behind a publishable key, after the browser origin check; handshakes and CORS use it. */
  async tenantForPublishableKey(apiKey: string, origin: string | undefined): Promise<AuthenticatedTenant> {
    const tenant = looksLikePublishableKey(apiKey) ? await this.tenants.findByPublishableKey(apiKey) : null;
    if (!tenant) throw new UnauthenticatedError('Unknown publishable key (X-Api-Key)');
    // Clients without an Origin (servers, native apps) are not browsers and are not subject to it.
    if (origin !== undefined && !originAllowed(origin, tenant.settings.allowedOrigins)) {
      throw new OriginNotAllowedError(origin);
    }
    return tenant;
  }

  private async asPublishable({ apiKey, bearer, onBehalfOf, origin }: Credentials): Promise<Actor> {
    if (!apiKey) throw new UnauthenticatedError('This call needs the publishable key (X-Api-Key: pk_...)');
    if (bearer !== undefined || onBehalfOf !== undefined)
      throw new UnauthenticatedError('This call takes the publishable key alone, without Authorization');
    const tenant = await this.tenantForPublishableKey(apiKey, origin);
    return { tenantId: tenant.id, userId: null, isServer: false, settings: tenant.settings };
  }

  private async asServer({ bearer, apiKey, onBehalfOf }: Credentials): Promise<Actor> {
    const tenant = looksLikeSecretKey(bearer!) ? await this.tenants.findBySecretKey(bearer!) : null;
    if (!tenant) throw new UnauthenticatedError('Unknown or revoked secret key');
    if (apiKey !== undefined) {
      const named = looksLikePublishableKey(apiKey) ? await this.tenants.findByPublishableKey(apiKey) : null;
      if (named?.id !== tenant.id)
        throw new UnauthenticatedError('X-Api-Key belongs to another tenant than the secret key');
    }
    let userId: string | null = null;
    if (onBehalfOf !== undefined) {
      userId = parseInput(UserIdSchema, onBehalfOf, 'headers');
      if (!(await this.users.isActive(tenant.id, userId))) throw new ActingUserNotFoundError(userId);
    }
    return { tenantId: tenant.id, userId, isServer: true, settings: tenant.settings };
  }

  private async asUser({ bearer, apiKey, onBehalfOf, origin }: Credentials): Promise<Actor> {
    const tenant = await this.tenantForPublishableKey(apiKey!, origin);
    if (!bearer) throw new UnauthenticatedError('Missing user token (Authorization: Bearer <token>)');
    if (onBehalfOf !== undefined) throw new UnauthenticatedError('X-On-Behalf-Of needs the secret key');
    const token = await this.verify(tenant, bearer);
    const state = await this.users.stateOfTokenSubject(tenant.id, token.userId);
    if (state.deletedAt) throw new UnauthenticatedError('This user has been erased');
    if (state.tokensValidAfter && token.issuedAtMs < state.tokensValidAfter.getTime()) {
      throw new UnauthenticatedError("This user's tokens were revoked; get a new one");
    }
    return { tenantId: tenant.id, userId: token.userId, isServer: false, settings: tenant.settings };
  }

  /**
   * Signature checks are a tenth of a request's CPU, so a verified token is remembered briefly (never
   * past its `exp`); revocation by user is still checked on every request, against the database.
   */
  private async verify(tenant: AuthenticatedTenant, token: string): Promise<VerifiedUserToken> {
    const key = `${tenant.id}|${token}`;
    const known = this.verifiedTokens.get(key);
    // Still signed by an active key: a revocation on this node takes effect at once.
    if (known && tenant.secretKeys.includes(known.signedWith)) return known;
    const verified = await verifyUserToken(token, tenant.secretKeys);

    this.verifiedTokens.set(key, verified, verified.expiresAtMs - Date.now());
    return verified;
  }

  private checkOperatorToken(bearer: string | undefined): void {
    const expected = this.config.adminToken;
    if (!expected)
      throw new UnauthenticatedError('The operator API is disabled: set PARLEY_ADMIN_TOKEN to enable it');
    const given = Buffer.from(bearer ?? '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new UnauthenticatedError('Invalid operator token');
    }
  }
}

const MISSING_CREDENTIALS =
  'Missing credentials: send Authorization: Bearer sk_... from a server, or X-Api-Key: pk_... with a user token';
const MISSING_API_KEY = 'A user token needs the publishable key beside it (X-Api-Key: pk_...)';
const MISSING_SECRET = 'This call needs the secret key (Authorization: Bearer sk_...)';
