/**
 * Bundles `@parley/sdk` for browsers the way an app's bundler would (Vite library mode, minified, with
 * socket.io-client inside), in memory. The browser test serves the result to Chromium; the benchmark
 * weighs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SDK_ENTRY = join(SDK_DIR, 'src/index.ts');
const PROTOCOL_SOURCE = fileURLToPath(new URL('../../libs/protocol/src/index.ts', import.meta.url));

/**
 * @param {{ entry?: string, external?: string[] }} [options]
 * @returns {Promise<{ code: string, bytes: number, gzipBytes: number, modules: string[] }>}
 */
export async function bundleSdk({ entry = SDK_ENTRY, external = [] } = {}) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: SDK_DIR,
    // The protocol from source, as the SDK's own tests see it (its package has no side effects either way).
    resolve: { alias: { '@parley/protocol': PROTOCOL_SOURCE } },
    build: {
      write: false,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'parley-sdk' },
      rolldownOptions: { external, output: { minify: true } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs
    .flatMap((o) => ('output' in o ? o.output : []))
    .find((o) => o.type === 'chunk' && o.isEntry);
  if (!chunk || chunk.type !== 'chunk') throw new Error('The bundle has no entry chunk');
  return {
    code: chunk.code,
    bytes: Buffer.byteLength(chunk.code),
    gzipBytes: gzipSync(chunk.code, { level: 9 }).length,
    modules: Object.keys(chunk.modules),
  };
}

/**
 * Bundles a module made of `source` (e.g. `export { ERRORS } from '@parley/protocol'`), to weigh what
 * one import costs.
 * @param {string} source
 */
export async function bundleSource(source) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bundle-'));
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(entry, source);
    return await bundleSdk({ entry });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
