import { Controller, Delete, Get, Patch, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  ChangesQuerySchema,
  ChangesSchema,
  EditMessageBodySchema,
  EmojiSchema,
  HistoryQuerySchema,
  IdSchema,
  listOf,
  MessageSchema,
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

  @Post('messages')
  @SendRate()
  @ApiRoute(
    'Send a message',
    { 201: MessageSchema, 200: MessageSchema },
    {
      description: '201 with the new message; 200 with the original when the `clientId` was sent before.',
      errors: ['forbidden', 'not_found', 'conflict'],
    },
  )
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
  @ApiRoute(
    'History by seq',
    { 200: listOf(MessageSchema) },
    {
      description:
        '`data` ascends by seq. `before` pages back from the newest (pass `nextCursor` as the next `before`); `after` pages forward.',
      errors: ['not_found'],
    },
  )
  history(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @ValidQuery(HistoryQuerySchema) query: HistoryQuery,
  ): Promise<List<Message>> {
    return this.messages.history(actor, chatId, query);
  }

  @Get('changes')
  @ApiRoute(
    'Everything that changed after a version',
    { 200: ChangesSchema },
    {
      description:
        'New, edited, deleted and reacted messages, ascending by version: how a client catches up.',
      errors: ['not_found'],
    },
  )
  changes(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @ValidQuery(ChangesQuerySchema) query: ChangesQuery,
  ): Promise<Changes> {
    return this.messages.changes(actor, chatId, query.since, query.limit);
  }

  @Patch('messages/:messageId')
  @ApiRoute(
    'Edit a message (sender, chat admins, or the backend)',
    { 200: MessageSchema },
    { errors: ['forbidden', 'not_found', 'conflict'] },
  )
  edit(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidBody(EditMessageBodySchema) body: EditMessageBody,
  ): Promise<Message> {
    return this.messages.edit(actor, chatId, messageId, body.text);
  }

  @Delete('messages/:messageId')
  @ApiRoute(
    'Delete a message, leaving a tombstone',
    { 200: MessageSchema },
    { errors: ['forbidden', 'not_found', 'conflict'] },
  )
  delete(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
  ): Promise<Message> {
    return this.messages.delete(actor, chatId, messageId);
  }

  @Put('messages/:messageId/reactions/:emoji')
  @ApiRoute(
    'React to a message (idempotent)',
    { 200: MessageSchema },
    { errors: ['forbidden', 'not_found', 'conflict'] },
  )
  react(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidParam('emoji', EmojiSchema) emoji: string,
  ): Promise<Message> {
    return this.messages.react(actor, chatId, messageId, emoji);
  }

  @Delete('messages/:messageId/reactions/:emoji')
  @ApiRoute(
    'Take a reaction back (idempotent)',
    { 200: MessageSchema },
    { errors: ['forbidden', 'not_found', 'conflict'] },
  )
  unreact(
    @CurrentActor() actor: Actor,
    @ChatId() chatId: string,
    @MessageId() messageId: string,
    @ValidParam('emoji', EmojiSchema) emoji: string,
  ): Promise<Message> {
    return this.messages.unreact(actor, chatId, messageId, emoji);
  }
}
