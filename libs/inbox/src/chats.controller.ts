import { Controller, Get, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  CreateChatBodySchema,
  CursorQuerySchema,
  IdSchema,
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

  /** 201 with a new chat; 200 with the direct chat the two users already share. */
  @Post()
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
  list(
    @CurrentActor() actor: Actor,
    @ValidQuery(CursorQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<Chat>> {
    return this.inbox.list(actor, query.cursor, query.limit);
  }

  @Get(':chatId')
  get(@CurrentActor() actor: Actor, @ValidParam('chatId', IdSchema) chatId: string): Promise<Chat> {
    return this.inbox.get(actor, chatId);
  }

  @Patch(':chatId')
  rename(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidBody(UpdateChatBodySchema) body: UpdateChatBody,
  ): Promise<Chat> {
    return this.inbox.rename(actor, chatId, body.title);
  }
}
