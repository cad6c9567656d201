import { Module, type DynamicModule } from '@nestjs/common';
import { AttachmentsModule } from '@parley/attachments';
import { ChatsModule } from '@parley/chats';
import { ConfigModule, type Config } from '@parley/config';
import { DbModule } from '@parley/db';
import { FanoutModule } from '@parley/fanout';
import { FanoutQueueModule } from '@parley/fanout-queue';
import { HealthModule } from '@parley/health';
import { InboxModule } from '@parley/inbox';
import { MessagesModule } from '@parley/messages';
import { MetricsModule } from '@parley/metrics';
import { PresenceModule } from '@parley/presence';
import { QueueModule } from '@parley/queue';
import { RateLimitModule } from '@parley/rate-limit';
import { RealtimeModule } from '@parley/realtime';
import { ReceiptsModule } from '@parley/receipts';
import { RedisModule } from '@parley/redis';
import { SearchModule } from '@parley/search';
import { TenancyModule } from '@parley/tenancy';
import { UsersModule } from '@parley/users';
import { WidgetHostModule } from '@parley/widget-host';

@Module({})
export class AppModule {
  /** `config.databaseUrl` must be set: the embedded Postgres, if any, is started before this. */
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        RedisModule,
        QueueModule.forRoot({ processJobs: config.workers === 'inline' }),
        FanoutModule,
        MetricsModule,

        // Authentication's guard must run before the rate limit guard: it is imported first.
        TenancyModule,
        RateLimitModule,
        HealthModule,
        UsersModule,
        InboxModule,
        ChatsModule,
        MessagesModule,
        AttachmentsModule,
        ReceiptsModule,
        PresenceModule,
        RealtimeModule,
        SearchModule,
        // The widget script, and the demo page when the embedded default has a demo tenant.
        WidgetHostModule,
        // Webhooks, push and the fan-out that feeds them (its jobs run here with PARLEY_WORKERS=inline).
        FanoutQueueModule,
      ],
    };
  }
}
