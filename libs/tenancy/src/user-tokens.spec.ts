import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signUserToken, verifyUserToken } from './user-tokens.js';

const secret = 'sk_' + 'a'.repeat(40);
const other = 'sk_' + 'b'.repeat(40);

describe('user tokens', () => {
  it('round-trips the user id and the issue time in milliseconds', async () => {
    const now = Date.now();
    const { token, expiresAt } = await signUserToken(secret, 'alice@example.com', 3600, now);
    expect(expiresAt.getTime()).toBeGreaterThan(now + 3_598_000);
    const verified = await verifyUserToken(token, [other, secret]);
    expect(verified.userId).toBe('alice@example.com');
    expect(verified.issuedAtMs).toBeCloseTo(now, -1);
  });

  it('refuses a token signed by another secret', async () => {
    const { token } = await signUserToken(other, 'alice', 60);
    await expect(verifyUserToken(token, [secret])).rejects.toThrow(/not signed with this tenant/);
  });

  it('says when a token has expired', async () => {
    const { token } = await signUserToken(secret, 'alice', 60, Date.now() - 3_600_000);
    await expect(verifyUserToken(token, [secret])).rejects.toThrow(/expired/);
  });

  it('requires exp, refuses alg none and garbage', async () => {
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(new TextEncoder().encode(secret));
    await expect(verifyUserToken(noExp, [secret])).rejects.toThrow(/exp/);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice","exp":9999999999}').toString('base64url')}.`;
    await expect(verifyUserToken(none, [secret])).rejects.toThrow(/malformed/);
    await expect(verifyUserToken('garbage', [secret])).rejects.toThrow(/malformed/);
  });

  it('refuses a subject that is not a valid user id', async () => {
    const { token } = await signUserToken(secret, 'bad id with spaces', 60);
    await expect(verifyUserToken(token, [secret])).rejects.toThrow(/invalid user id/);
  });
});
