import { describe, expect, it } from 'vitest';
import { trustTenantId } from '@parley/db';
import { FileUrls } from './file-urls.js';

const tenant = trustTenantId('0196a4f0-0000-7000-8000-000000000001');
const file = '0196a4f0-0000-7000-8000-0000000000aa';
const key = Buffer.alloc(32, 7);
const query = (url: string) => {
  const params = new URL(url).searchParams;
  return { tenant: params.get('tenant')!, exp: Number(params.get('exp')), sig: params.get('sig')! };
};

describe('FileUrls', () => {
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const urls = new FileUrls(key, 'https://chat.example.com', () => now);

  it('signs a URL that verifies for its tenant until it expires, an hour or so later', () => {
    const url = urls.url(tenant, file, 'original');
    expect(url).toMatch(new RegExp(`^https://chat\\.example\\.com/v1/files/${file}\\?tenant=`));
    const signed = query(url);
    expect(signed.exp * 1000 - now).toBeGreaterThanOrEqual(3600_000);
    expect(signed.exp * 1000 - now).toBeLessThanOrEqual(3900_000);
    expect(urls.verify(signed, file, 'original')).toBe(tenant);
    now = signed.exp * 1000;
    expect(() => urls.verify(signed, file, 'original')).toThrow(/expired/);
    now = Date.UTC(2025, 0, 1, 12, 0, 0);
  });

  it('gives the same URL within a five-minute window, so that caches keep it', () => {
    const start = now;
    now = Date.UTC(2025, 0, 1, 12, 1, 0);
    const first = urls.url(tenant, file, 'thumbnail');
    now += 60_000;
    expect(urls.url(tenant, file, 'thumbnail')).toBe(first);
    now = start;
  });

  it('refuses any change to what was signed', () => {
    const signed = query(urls.url(tenant, file, 'original'));
    expect(() => urls.verify(signed, file, 'thumbnail')).toThrow(/not valid/);
    expect(() => urls.verify(signed, '0196a4f0-0000-7000-8000-0000000000bb', 'original')).toThrow(
      /not valid/,
    );
    expect(() => urls.verify({ ...signed, exp: signed.exp + 300 }, file, 'original')).toThrow(/not valid/);
    expect(() =>
      urls.verify({ ...signed, tenant: '0196a4f0-0000-7000-8000-000000000002' }, file, 'original'),
    ).toThrow(/not valid/);
    expect(() =>
      urls.verify(
        {
          ...signed,
          sig:
            signed.sig.replace(/^./, 'A') === signed.sig
              ? 'B' + signed.sig.slice(1)
              : 'A' + signed.sig.slice(1),
        },
        file,
        'original',
      ),
    ).toThrow(/not valid/);
    expect(() => urls.verify({}, file, 'original')).toThrow(/not valid/);
    const otherKey = new FileUrls(Buffer.alloc(32, 8), 'https://chat.example.com', () => now);
    expect(() => otherKey.verify(signed, file, 'original')).toThrow(/not valid/);
  });
});
