import { Module } from '@nestjs/common';
import { AttachmentsModule } from '@parley/attachments';
import { ChatsModule } from '@parley/chats';
import { MessageWriter } from './message-writer.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { SearchPendingList } from './search-pending-list.js';

@Module({
  imports: [ChatsModule, AttachmentsModule],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessageWriter, MessagesService, SearchPendingList],
  exports: [MessagesService],
})
export class MessagesModule {}
