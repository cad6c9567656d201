import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * One self-contained ES module (Lit, the SDK and socket.io-client inside) that the API serves at
 * `/widget.js`. The SDK and protocol come from source so the widget never waits on their builds.
 */
export default defineConfig({
  root: source('.'),
  resolve: {
    alias: {
      '@parley/sdk': source('../sdk-js/src/index.ts'),
      '@parley/protocol': source('../libs/protocol/src/index.ts'),
    },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    lib: { entry: source('src/index.ts'), formats: ['es'], fileName: () => 'widget.js' },
    rolldownOptions: { output: { minify: true } },
  },
});
