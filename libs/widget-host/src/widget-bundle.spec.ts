import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  Bundle,
  chooseEncoding,
  matchesIfNoneMatch,
  repositoryRoot,
  WidgetBundleFile,
} from './widget-bundle.js';

describe('the widget bundle', () => {
  it('finds the repository root from its own folder', () => {
    expect(existsSync(join(repositoryRoot(), 'widget', 'package.json'))).toBe(true);
  });

  it('prefers brotli, then gzip, honouring q-values and refusals', () => {
    expect(chooseEncoding(undefined)).toBe('identity');
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip, deflate')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0')).toBe('identity');
    expect(chooseEncoding('identity')).toBe('identity');
  });

  it('gives each encoding a strong ETag from the content, and matches If-None-Match on any of them', async () => {
    const bundle = await Bundle.of(Buffer.from('export const answer = 42;\n'.repeat(50)));
    const [identity, gzip, br] = await Promise.all(
      (['identity', 'gzip', 'br'] as const).map((encoding) => bundle.representation(encoding)),
    );
    const tags = [identity!.etag, gzip!.etag, br!.etag];
    expect(new Set(tags).size).toBe(3);
    expect(bundle.etags().sort()).toEqual([...tags].sort());
    for (const tag of tags) expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(gunzipSync(gzip!.body).equals(identity!.body)).toBe(true);
    expect(brotliDecompressSync(br!.body).equals(identity!.body)).toBe(true);
    // Brotli is made once.
    expect(await bundle.representation('br')).toBe(br);
    expect(matchesIfNoneMatch(tags[0], bundle)).toBe(true);
    expect(matchesIfNoneMatch(`"other", W/${tags[1]}`, bundle)).toBe(true);
    expect(matchesIfNoneMatch('*', bundle)).toBe(true);
    expect(matchesIfNoneMatch('"other"', bundle)).toBe(false);
    expect(matchesIfNoneMatch(undefined, bundle)).toBe(false);
    const other = await Bundle.of(Buffer.from('export const answer = 43;\n'));
    expect(matchesIfNoneMatch(tags[0], other)).toBe(false);
  });

  it('notices a rebuild of the file, and a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
    try {
      const path = join(dir, 'widget.js');
      const file = new WidgetBundleFile(path);
      expect(await file.current()).toBeNull();
      writeFileSync(path, 'export const v = 1;\n');
      const first = await file.current();
      expect(first?.identity.body.toString()).toBe('export const v = 1;\n');
      expect(await file.current()).toBe(first);
      writeFileSync(path, 'export const v = 22;\n');
      expect((await file.current())?.hash).not.toBe(first!.hash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
