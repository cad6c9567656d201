import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { Egress, EgressModule } from '@parley/egress';
import { PresenceStoreModule } from '@parley/presence';
import { TenancyModule } from '@parley/tenancy';
import { UsersModule } from '@parley/users';
import { DevicesController } from './devices.controller.js';
import { DevicesRepository } from './devices.repository.js';
import { FcmCredentialsRepository } from './fcm-credentials.repository.js';
import { FirebaseFcmSender } from './fcm.sender.js';
import { PushController } from './push.controller.js';
import { PushProcessor } from './push.processor.js';
import { FCM_SENDER, WEB_PUSH_SENDER, type FcmSender } from './push-sender.js';
import { PushService } from './push.service.js';
import { VapidKeysRepository } from './vapid-keys.repository.js';
import { VapidKeys } from './vapid-keys.js';
import { EgressWebPushSender } from './web-push.sender.js';

class FcmLifecycle implements OnApplicationShutdown {
  constructor(private readonly fcm: FcmSender) {}

  async onApplicationShutdown(): Promise<void> {
    await this.fcm.close();
  }
}

@Module({
  imports: [ChatsModule, EgressModule, PresenceStoreModule, TenancyModule, UsersModule],
  controllers: [DevicesController, PushController],
  providers: [
    DevicesRepository,
    FcmCredentialsRepository,
    VapidKeysRepository,
    VapidKeys,
    PushService,
    PushProcessor,
    {
      provide: WEB_PUSH_SENDER,
      inject: [Egress],
      useFactory: (egress: Egress) => new EgressWebPushSender(egress),
    },
    // Tests replace this with a FirebaseFcmSender whose httpAgent reaches a local endpoint.
    { provide: FCM_SENDER, useFactory: (): FcmSender => new FirebaseFcmSender() },
    { provide: FcmLifecycle, inject: [FCM_SENDER], useFactory: (fcm: FcmSender) => new FcmLifecycle(fcm) },
  ],
  exports: [PushService],
})
export class PushModule {}
