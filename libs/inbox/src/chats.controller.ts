import { Controller, Get, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  ChatSchema,
  CreateChatBodySchema,
  CursorQuerySchema,
  IdSchema,
  listOf,
  UpdateChatBodySchema,
  type Chat,
  type CreateChatBody,
  type List,
  type UpdateChatBody,
} from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { InboxService } from './inbox.service.js';

@Controller('v1/chats')
export class ChatsController {
  constructor(private readonly inbox: InboxService) {}

  @Post()
  @ApiRoute(
    'Open a direct chat, or create a group',
    { 201: ChatSchema, 200: ChatSchema },
    {
      description: '201 with a new chat; 200 with the direct chat the two users already share.',
      errors: ['forbidden', 'not_found', 'conflict'],
    },
  )
  async create(
    @CurrentActor() actor: Actor,
    @ValidBody(CreateChatBodySchema) body: CreateChatBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Chat> {
    const { chat, created } = await this.inbox.create(actor, body);
    response.status(created ? 201 : 200);
    return chat;
  }

  @Get()
  @ApiRoute('My chats by latest activity, with last message and unread count', { 200: listOf(ChatSchema) })
  list(
    @CurrentActor() actor: Actor,
    @ValidQuery(CursorQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<Chat>> {
    return this.inbox.list(actor, query.cursor, query.limit);
  }

  @Get(':chatId')
  @ApiRoute('A chat', { 200: ChatSchema }, { errors: ['not_found'] })
  get(@CurrentActor() actor: Actor, @ValidParam('chatId', IdSchema) chatId: string): Promise<Chat> {
    return this.inbox.get(actor, chatId);
  }

  @Patch(':chatId')
  @ApiRoute('Rename a group (owners and admins)', { 200: ChatSchema }, { errors: ['forbidden', 'not_found'] })
  rename(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidBody(UpdateChatBodySchema) body: UpdateChatBody,
  ): Promise<Chat> {
    return this.inbox.rename(actor, chatId, body.title);
  }
}
