import { describe, expect, it } from 'vitest';
import { originAllowed } from './origins.js';

describe('originAllowed', () => {
  const patterns = ['https://app.example.com', 'https://*.acme.io', 'http://localhost:3000'];

  it('matches exact origins, case-insensitively on the host', () => {
    expect(originAllowed('https://app.example.com', patterns)).toBe(true);
    expect(originAllowed('https://APP.example.com', patterns)).toBe(true);
    expect(originAllowed('http://localhost:3000', patterns)).toBe(true);
  });

  it('refuses another scheme, port or host', () => {
    expect(originAllowed('http://app.example.com', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com:8443', patterns)).toBe(false);
    expect(originAllowed('http://localhost:3001', patterns)).toBe(false);
    expect(originAllowed('https://evil-app.example.com', patterns)).toBe(false);
  });

  it('lets a wildcard match any subdomain but not the bare domain or a look-alike', () => {
    expect(originAllowed('https://a.acme.io', patterns)).toBe(true);
    expect(originAllowed('https://a.b.acme.io', patterns)).toBe(true);
    expect(originAllowed('https://acme.io', patterns)).toBe(false);
    expect(originAllowed('https://evilacme.io', patterns)).toBe(false);
  });

  it('never allows the opaque "null" origin or garbage', () => {
    expect(originAllowed('null', patterns)).toBe(false);
    expect(originAllowed('not a url', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com/path', patterns)).toBe(false);
  });
});
