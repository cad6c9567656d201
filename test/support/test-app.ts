import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { parseConfig, type Config } from '@parley/config';
import { createLogger } from '@parley/logging';
import { createApiApp, type AppFactory } from '../../apps/api/src/app.js';
import { REDIS_URL, TEST_ADMIN_TOKEN, TEST_MASTER_KEY } from './environment.js';
import { request, type Reply, type RequestOptions } from './http.js';
import { dropQueueKeys, newQueuePrefix } from './queue-prefix.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  baseUrl: string;
  app: NestExpressApplication;
  config: Config;
  databaseUrl: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  /** Stops the app and drops its database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment, e.g. `{ REDIS_URL: '' }` for the embedded (no Redis) mode. */
  env?: Record<string, string>;
  /** Reuse a database (restart tests); otherwise a fresh one is made and dropped. */
  database?: TestDatabase;
  /** Providers replaced in the app, e.g. the Elasticsearch client by the official mock's. */
  overrides?: { provide: unknown; useValue: unknown }[];
  /**
   * Listen on this port rather than one the OS picks, for links the server generates (signed file
   * URLs name `PUBLIC_URL`, whose default names `PORT`) that a browser follows.
   */
  port?: number;
}

/** Boots the real API on a fresh database, on a loopback port the OS picks. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = parseConfig({
    DATABASE_URL: database.url,
    PARLEY_MASTER_KEY: TEST_MASTER_KEY,
    PARLEY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_SIZE: '10',
    PARLEY_QUEUE_PREFIX: newQueuePrefix(),
    ...(options.port ? { PORT: String(options.port), PUBLIC_URL: `http://127.0.0.1:${options.port}` } : {}),
    ...options.env,
  });
  const app = await createApiApp(
    config,
    createLogger(config),
    options.overrides && withOverrides(options.overrides),
  );
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    app,
    config,
    databaseUrl: database.url,
    request: (method, path, requestOptions) => request(baseUrl, method, path, requestOptions),
    close: async () => {
      await app.close();
      if (config.redisUrl) await dropQueueKeys(config.queuePrefix);
      if (!options.database) await database.drop();
    },
  };
}

/** Builds the app through Nest's testing module, with these providers replaced. */
function withOverrides(overrides: NonNullable<TestAppOptions['overrides']>): AppFactory {
  return async (module, options) => {
    let builder = Test.createTestingModule({ imports: [module] });
    for (const { provide, useValue } of overrides)
      builder = builder.overrideProvider(provide).useValue(useValue);
    const testing = await builder.compile();
    return testing.createNestApplication<NestExpressApplication>(options);
  };
}
