import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { DeliveredPointers } from './delivered-pointers.js';
import { ReceiptBroadcaster } from './receipt-broadcaster.js';
import { ReceiptsController } from './receipts.controller.js';
import { ReceiptsRepository } from './receipts.repository.js';
import { ReceiptsService } from './receipts.service.js';

@Module({
  imports: [ChatsModule],
  controllers: [ReceiptsController],
  providers: [ReceiptsRepository, ReceiptsService, ReceiptBroadcaster, DeliveredPointers],
  exports: [ReceiptsService],
})
export class ReceiptsModule {}
