import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { REDIS, type MaybeRedis } from '@parley/redis';
import { TenancyModule } from '@parley/tenancy';
import { PresenceController } from './presence.controller.js';
import { PresenceRepository } from './presence.repository.js';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from './presence-store.js';
import { PRESENCE_STORE, PresenceService } from './presence.service.js';

@Module({
  imports: [ChatsModule, TenancyModule],
  controllers: [PresenceController],
  providers: [
    {
      provide: PRESENCE_STORE,
      inject: [REDIS],
      useFactory: (redis: MaybeRedis): PresenceStore =>
        redis ? new RedisPresenceStore(redis) : new MemoryPresenceStore(),
    },
    PresenceRepository,
    PresenceService,
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
