import { Module } from '@nestjs/common';
import { ChatsRepository } from './chats.repository.js';
import { ChatsService } from './chats.service.js';
import { MembersController } from './members.controller.js';

@Module({
  controllers: [MembersController],
  providers: [ChatsRepository, ChatsService],
  exports: [ChatsService],
})
export class ChatsModule {}
