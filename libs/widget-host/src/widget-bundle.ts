import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The widget's build output, relative to the repository root (`/app` in the Docker image). */
export const WIDGET_BUILD_PATH = 'widget/dist/widget.js';

/**
 * The repository root, found by walking up from this file to the `parley` package manifest: the
 * same answer from the source (`libs/widget-host/src`), the build (`dist/libs/widget-host/src`) and
 * the image (`/app/dist/…`).
 */
export function repositoryRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'parley') return dir;
      } catch {
        // An unreadable manifest is not ours: keep walking up.
      }
    }
    if (dirname(dir) === dir) throw new Error(`No parley package.json above ${from}`);
  }
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** One representation of the script: its bytes and its strong validator. */
export interface Representation {
  body: Buffer;
  etag: string;
}

/** Bytes differ per encoding, so each gets its own strong ETag; all name the same content. */
const etagOf = (hash: string, encoding: Encoding): string =>
  encoding === 'identity' ? `"${hash}"` : `"${hash}-${encoding === 'br' ? 'br' : 'gz'}"`;

/**
 * The script, hashed and gzipped once (a few milliseconds) and kept in memory. Brotli at its best
 * quality takes about 0.2 s of CPU for the widget, so it is made once, on the first request that
 * accepts it, and kept too: an API that never serves the widget (most test apps) never pays it.
 */
export class Bundle {
  readonly identity: Representation;
  readonly gzip: Representation;
  private brotli: Promise<Representation> | null = null;

  private constructor(
    /** The content hash every representation's ETag derives from. */
    readonly hash: string,
    source: Buffer,
    gzipped: Buffer,
  ) {
    this.identity = { body: source, etag: etagOf(hash, 'identity') };
    this.gzip = { body: gzipped, etag: etagOf(hash, 'gzip') };
  }

  static async of(source: Buffer): Promise<Bundle> {
    const hash = createHash('sha256').update(source).digest('base64url').slice(0, 32);
    return new Bundle(hash, source, await gzipAsync(source, { level: zlib.Z_BEST_COMPRESSION }));
  }

  /** The representation in this encoding; brotli is compressed on first use. */
  async representation(encoding: Encoding): Promise<Representation> {
    if (encoding === 'identity') return this.identity;
    if (encoding === 'gzip') return this.gzip;
    this.brotli ??= brotli(this.identity.body, {
      params: {
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: this.identity.body.length,
      },
    }).then(
      (body) => ({ body, etag: etagOf(this.hash, 'br') }),
      (error: unknown) => {
        this.brotli = null; // the next request tries again
        throw error;
      },
    );
    return this.brotli;
  }

  /** Every ETag this content goes by, whichever encoding a cache holds. */
  etags(): string[] {
    return (['identity', 'gzip', 'br'] as const).map((encoding) => etagOf(this.hash, encoding));
  }
}

/**
 * The best encoding the client accepts (`Accept-Encoding`, q-values and `*` honoured): brotli, then
 * gzip, then none. Identity is always acceptable unless refused outright, and then still sent.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string): number => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0 || (weights.get('x-gzip') ?? 0) > 0) return 'gzip';
  return 'identity';
}

/** `If-None-Match` matches any representation of this content (weak comparison, RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, bundle: Bundle): boolean {
  if (!header) return false;
  const ours = new Set(bundle.etags());
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || ours.has(tag));
}

/**
 * The built widget on disk, loaded and compressed once and kept in memory. A rebuild while the API
 * runs (development) is noticed by the file's size and mtime and loaded again.
 */
export class WidgetBundleFile {
  private loaded: { key: string; bundle: Promise<Bundle> } | null = null;

  constructor(readonly path: string) {}

  /** The bundle as on disk now; null when the widget is not built. */
  async current(): Promise<Bundle | null> {
    const stats = await stat(this.path).catch(() => null);
    if (!stats?.isFile()) return null;
    const key = `${stats.size}:${stats.mtimeMs}`;
    if (this.loaded?.key !== key) {
      const bundle = readFile(this.path).then((source) => Bundle.of(source));
      this.loaded = { key, bundle };
      // A failed read (the file replaced mid-way) is retried by the next request.
      bundle.catch(() => {
        if (this.loaded?.bundle === bundle) this.loaded = null;
      });
    }
    return this.loaded.bundle;
  }
}
