import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { MessagesModule } from '@parley/messages';
import { RateLimitModule } from '@parley/rate-limit';
import { TenancyModule } from '@parley/tenancy';
import { GuestsController } from './guests.controller.js';
import { GuestsService } from './guests.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [ChatsModule, MessagesModule, RateLimitModule, TenancyModule],
  controllers: [UsersController, GuestsController],
  providers: [UsersRepository, UsersService, GuestsService],
  exports: [UsersService],
})
export class UsersModule {}
