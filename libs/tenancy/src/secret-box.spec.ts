import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('sk_secret');
    expect(box.open(a)).toBe('sk_secret');
    expect(box.seal('sk_secret')).not.toBe(a);
    expect(a).not.toContain('sk_secret');
  });

  it('refuses a tampered or foreign ciphertext', () => {
    const sealed = box.seal('sk_secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });
});
