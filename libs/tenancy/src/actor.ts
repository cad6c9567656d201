import type { TenantId } from '@parley/db';
import type { TenantSettings } from '@parley/protocol';

/** Who is acting on a tenant's data. Transports build it from credentials; services only read it. */
export interface Actor {
  tenantId: TenantId;
  /** The token's subject, or `X-On-Behalf-Of` on a server call; null for the tenant's backend acting as itself. */
  userId: string | null;
  /** The call carries the secret key: the tenant's own backend, trusted with all of the tenant's data. */
  isServer: boolean;
  settings: TenantSettings;
}

/** The caller as authentication found it; operator calls belong to no tenant. */
export type Caller = { kind: 'operator' } | { kind: 'tenant'; actor: Actor };

/**
 * What a route demands of its caller. `signed`: a URL carrying a signature (`sig`), which the route
 * itself checks; without one, the same as `tenant`. `publishable`: the publishable key alone (from an
 * allowed origin), acting as no user — guest sign-up.
 */
export type AccessLevel = 'public' | 'operator' | 'server' | 'tenant' | 'signed' | 'publishable';
