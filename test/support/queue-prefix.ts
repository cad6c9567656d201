import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS_URL } from './environment.js';

/** Each app (or cluster) under test takes its own queues in the shared Redis. */
export const newQueuePrefix = (): string => `test-${randomBytes(5).toString('hex')}`;

/** Removes what the queues under this prefix left in Redis. */
export async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  } finally {
    redis.disconnect();
  }
}
