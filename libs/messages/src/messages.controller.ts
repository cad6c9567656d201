import { Controller, Delete, Get, Patch, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  ChangesQuerySchema,
  EditMessageBodySchema,
  EmojiSchema,
  HistoryQuerySchema,
  IdSchema,
  SendMessageBodySchema,
  type Changes,
  type ChangesQuery,
  type EditMessageBody,
  type HistoryQuery,
  type List,
  type Message,
  type SendMessageBody,
} from '@parley/protocol';
import { SendRate } from '@parley/rate-limit';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { MessagesService } from './messages.service.js';

const ChatId = (): ParameterDecorator => ValidParam('chatId', IdSchema);
const MessageId = (): ParameterDecorator => ValidParam('messageId', IdSchema);

@Controller('v1/chats/:chatId')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** 201 with the new message; 200 with the original when the clientId was sent before. */
  @Post('messages')
  @SendRate()
  async send(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @ValidBody(SendMessageBodySchema) body: SendMessageBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Message> {
    const { message, created } = await this.messages.send(actor, chatId, body);
    response.status(created ? 201 : 200);
    return message;
  }

  @Get('messages')
  history(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @ValidQuery(HistoryQuerySchema) query: HistoryQuery,
  ): Promise<List<Message>> {
    return this.messages.history(actor, chatId, query);
  }

  @Get('changes')
  changes(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @ValidQuery(ChangesQuerySchema) query: ChangesQuery,
  ): Promise<Changes> {
    return this.messages.changes(actor, chatId, query.since, query.limit);
  }

  @Patch('messages/:messageId')
  edit(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidBody(EditMessageBodySchema) body: EditMessageBody,
  ): Promise<Message> {
    return this.messages.edit(actor, chatId, messageId, body.text);
  }

  @Delete('messages/:messageId')
  delete(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
  ): Promise<Message> {
    return this.messages.delete(actor, chatId, messageId);
  }

  @Put('messages/:messageId/reactions/:emoji')
  react(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidParam('emoji', EmojiSchema) emoji: string,
  ): Promise<Message> {
    return this.messages.react(actor, chatId, messageId, emoji);
  }

  @Delete('messages/:messageId/reactions/:emoji')
  unreact(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidParam('emoji', EmojiSchema) emoji: string,
  ): Promise<Message> {
    return this.messages.unreact(actor, chatId, messageId, emoji);
  }
}
