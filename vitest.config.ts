import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = (name: string): string => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));
const LIBS = [
  'protocol',
  'config',
  'db',
  'errors',
  'http',
  'logging',
  'redis',
  'tenancy',
  'users',
  'chats',
  'messages',
  'attachments',
  'receipts',
  'inbox',
  'fanout',
  'metrics',
  'presence',
  'realtime',
  'rate-limit',
  'health',
  'search',
  'queue',
  'egress',
  'push',
  'webhooks',
  'fanout-queue',
  'openapi',
  'widget-host',
];

export default defineConfig({
  plugins: [
    // Nest's dependency injection reads decorator metadata, which esbuild does not emit.
    swc.vite({
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
    }),
  ],
  resolve: {
    alias: {
      // The SDK from source; `/server` first, as the first alias that prefixes an import wins.
      '@parley/sdk/server': fileURLToPath(new URL('./sdk-js/src/server.ts', import.meta.url)),
      '@parley/sdk': fileURLToPath(new URL('./sdk-js/src/index.ts', import.meta.url)),
      ...Object.fromEntries(LIBS.map((name) => [`@parley/${name}`, lib(name)])),
    },
  },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'widget/**/*.spec.ts', 'test/**/*.test.ts'],
    // Two cores: at most two test files run at once, each in its own database.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
