import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CONFIG, type Config } from '@parley/config';

export const REDIS = Symbol('parley.redis');

/** The shared Redis connection, or null in the embedded default (no `REDIS_URL`). */
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);
export type MaybeRedis = Redis | null;

const logger = new Logger('Redis');

async function connectRedis(url: string): Promise<Redis> {
  // Commands fail fast while Redis is down instead of queueing: each caller decides what that means.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  // ioredis reconnects by itself and emits an error per failed attempt; one line per outage is enough.
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.warn(`Redis unavailable: ${error.message}`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Cannot reach Redis at REDIS_URL within 5 s`)), 5_000);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

class RedisLifecycle implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: MaybeRedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [CONFIG],
      useFactory: (config: Config): Promise<MaybeRedis> =>
        config.redisUrl ? connectRedis(config.redisUrl) : Promise.resolve(null),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
