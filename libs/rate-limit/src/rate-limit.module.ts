import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { REDIS, type MaybeRedis } from '@parley/redis';
import { MemoryRateCounter, RedisRateCounter, type RateCounter } from './rate-counter.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_COUNTER, RateLimitService } from './rate-limit.service.js';

@Module({
  providers: [
    {
      provide: RATE_COUNTER,
      inject: [REDIS],
      useFactory: (redis: MaybeRedis): RateCounter =>
        redis ? new RedisRateCounter(redis) : new MemoryRateCounter(),
    },
    RateLimitService,
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimitService],
})
export class RateLimitModule {}
