import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { MessagesModule } from '@parley/messages';
import { TenancyModule } from '@parley/tenancy';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [ChatsModule, MessagesModule, TenancyModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
