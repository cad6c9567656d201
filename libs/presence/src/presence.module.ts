import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { CONFIG, type Config } from '@parley/config';
import { REDIS, type MaybeRedis } from '@parley/redis';
import { TenancyModule } from '@parley/tenancy';
import { PresenceController } from './presence.controller.js';
import { PresenceRepository } from './presence.repository.js';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from './presence-store.js';
import { PRESENCE_STORE, PresenceService } from './presence.service.js';

/**
 * Who is online, read-only and without the upkeep timers of `PresenceService`: for work that only
 * asks (push skips members with a live connection), including in `apps/worker`.
 */
@Module({
  providers: [
    {
      provide: PRESENCE_STORE,
      inject: [REDIS, CONFIG],
      useFactory: (redis: MaybeRedis, config: Config): PresenceStore =>
        redis ? new RedisPresenceStore(redis, `${config.queuePrefix}:presence:`) : new MemoryPresenceStore(),
    },
  ],
  exports: [PRESENCE_STORE],
})
export class PresenceStoreModule {}

@Module({
  imports: [ChatsModule, TenancyModule, PresenceStoreModule],
  controllers: [PresenceController],
  providers: [PresenceRepository, PresenceService],
  exports: [PresenceService],
})
export class PresenceModule {}
