import { errors, jwtVerify, SignJWT } from 'jose';
import { UserIdSchema } from '@parley/protocol';
import { UnauthenticatedError } from './tenancy.errors.js';

const encoder = new TextEncoder();
const CLOCK_TOLERANCE_SECONDS = 5;

export interface VerifiedUserToken {
  userId: string;
  /** Milliseconds since the epoch; a token without `iat` counts as issued at 0. */
  issuedAtMs: number;
  expiresAtMs: number;
  /** The secret key whose signature matched. */
  signedWith: string;
}

/**
 * HS256 user token signed with a tenant secret key. `iat` keeps milliseconds so that a token minted
 * right after a revocation is told apart from one minted just before it.
 */
export async function signUserToken(
  secretKey: string,
  userId: string,
  expiresInSeconds: number,
  now: number = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Math.floor(now / 1000) * 1000 + expiresInSeconds * 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now / 1000)
    .setExpirationTime(expiresAt.getTime() / 1000)
    .sign(encoder.encode(secretKey));
  return { token, expiresAt };
}

/** Verifies against each of the tenant's active secret keys (two during a rotation). */
export async function verifyUserToken(
  token: string,
  secretKeys: readonly string[],
): Promise<VerifiedUserToken> {
  let expired = false;
  for (const secretKey of secretKeys) {
    try {
      const { payload } = await jwtVerify(token, encoder.encode(secretKey), {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      if (!UserIdSchema.safeParse(payload.sub).success) {
        throw new UnauthenticatedError('The user token names an invalid user id in `sub`');
      }
      return {
        userId: payload.sub!,
        issuedAtMs: typeof payload.iat === 'number' ? payload.iat * 1000 : 0,
        expiresAtMs: payload.exp! * 1000,
        signedWith: secretKey,
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired) expired = true;
      else if (error instanceof errors.JWTClaimValidationFailed) {
        throw new UnauthenticatedError(`The user token is not valid: ${error.message}`);
      } else if (!(error instanceof errors.JOSEError)) throw error;
    }
  }
  throw new UnauthenticatedError(
    expired
      ? 'The user token has expired'
      : "The user token is malformed or not signed with this tenant's secret key",
  );
}
