import pg from 'pg';
import { Redis } from 'ioredis';
import { ADMIN_DATABASE_URL, REDIS_URL } from './environment.js';

/** Fails the run at once, with one clear line, when Postgres or Redis is not there. */
export default async function checkServices(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `Tests need Postgres at ${ADMIN_DATABASE_URL} (DATABASE_URL): ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Tests need Redis at ${REDIS_URL} (REDIS_URL): ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    redis.disconnect();
  }
}
