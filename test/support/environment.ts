/**
 * Where the tests find Postgres and Redis: `DATABASE_URL` and `REDIS_URL` when set, otherwise the
 * local services on 127.0.0.1 that `.ci/run` makes sure are up.
 */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_MASTER_KEY = 'ab'.repeat(32);
export const TEST_ADMIN_TOKEN = 'test-operator-token-0123456789';
