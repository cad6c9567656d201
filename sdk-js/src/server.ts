/**
 * `@parley/sdk/server`: for tenant backends in Node. Never import it in a browser: it signs with your
 * secret key, which must stay on your server.
 */
import { createHmac } from 'node:crypto';
import { UserIdSchema } from '@parley/protocol';

export interface CreateUserTokenOptions {
  /** Lifetime in seconds (the server accepts up to 30 days). */
  expiresIn: number;
  /**
   * Issue time in milliseconds since the epoch.
   * @default Date.now()
   */
  now?: number;
}

/**
 * Signs a user token (an HS256 JWT) with the tenant's secret key: `sub` is your user id, `iat` the
 * issue time in seconds with milliseconds (so a token minted right after a revocation is told apart
 * from one minted just before), `exp` the expiry in whole seconds. Give it to that user's client,
 * which passes it (or a provider returning it) to `ParleyClient.connect()`.
 *
 * ```ts
 * import { createUserToken } from '@parley/sdk/server';
 * const token = createUserToken(process.env.PARLEY_SECRET_KEY!, 'alice', { expiresIn: 3600 });
 * ```
 */
export function createUserToken(secret: string, userId: string, options: CreateUserTokenOptions): string {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('createUserToken: secret is empty');
  const id = UserIdSchema.safeParse(userId);
  if (!id.success)
    throw new TypeError(`createUserToken: userId ${id.error.issues[0]?.message ?? 'is invalid'}`);
  const { expiresIn } = options;
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new TypeError('createUserToken: expiresIn must be a positive number of seconds');
  }
  const now = options.now ?? Date.now();
  const header = { alg: 'HS256', typ: 'JWT' };
  const payload = { sub: userId, iat: now / 1000, exp: Math.floor(now / 1000) + Math.ceil(expiresIn) };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
