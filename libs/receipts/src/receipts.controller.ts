import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  IdSchema,
  listOf,
  MembersQuerySchema,
  ReadBodySchema,
  ReceiptSchema,
  type List,
  type ReadBody,
  type Receipt,
} from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { ReceiptsService } from './receipts.service.js';

@Controller('v1/chats/:chatId')
export class ReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Post('read')
  @HttpCode(200)
  @ApiRoute(
    'Move my read pointer forward (never back)',
    { 200: ReceiptSchema },
    { description: 'Without `seq`, everything is read.', errors: ['not_found'] },
  )
  markRead(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidBody(ReadBodySchema) body: ReadBody,
  ): Promise<Receipt> {
    return this.receipts.markRead(actor, chatId, body.seq);
  }

  @Get('receipts')
  @ApiRoute("Each member's delivered and read seq", { 200: listOf(ReceiptSchema) }, { errors: ['not_found'] })
  list(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidQuery(MembersQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<Receipt>> {
    return this.receipts.list(actor, chatId, query.cursor, query.limit);
  }
}
