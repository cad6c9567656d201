import { createHash, randomBytes } from 'node:crypto';

const PUBLISHABLE = /^pk_[A-Za-z0-9_-]{24}$/;
const SECRET = /^sk_[A-Za-z0-9_-]{40}$/;

export const newPublishableKey = (): string => `pk_${randomBytes(18).toString('base64url')}`;
export const newSecretKey = (): string => `sk_${randomBytes(30).toString('base64url')}`;

export const looksLikePublishableKey = (value: string): boolean => PUBLISHABLE.test(value);
export const looksLikeSecretKey = (value: string): boolean => SECRET.test(value);

/** Secret keys are found by this hash; the key itself is stored only encrypted. */
export const secretKeyLookupHash = (secretKey: string): string =>
  createHash('sha256').update(secretKey).digest('hex');
