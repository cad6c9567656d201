import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { MessagesModule } from '@parley/messages';
import { ReceiptsModule } from '@parley/receipts';
import { ChatsController } from './chats.controller.js';
import { InboxService } from './inbox.service.js';

@Module({
  imports: [ChatsModule, MessagesModule, ReceiptsModule],
  controllers: [ChatsController],
  providers: [InboxService],
})
export class InboxModule {}
