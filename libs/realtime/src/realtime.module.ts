import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { MessagesModule } from '@parley/messages';
import { PresenceModule } from '@parley/presence';
import { RateLimitModule } from '@parley/rate-limit';
import { ReceiptsModule } from '@parley/receipts';
import { TenancyModule } from '@parley/tenancy';
import { RealtimeGateway } from './realtime.gateway.js';
import { TypingRelay } from './typing-relay.js';

@Module({
  imports: [TenancyModule, ChatsModule, MessagesModule, ReceiptsModule, PresenceModule, RateLimitModule],
  providers: [RealtimeGateway, TypingRelay],
})
export class RealtimeModule {}
