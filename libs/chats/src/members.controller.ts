import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  AddMembersBodySchema,
  IdSchema,
  listOf,
  MembersQuerySchema,
  MemberSchema,
  UpdateMemberBodySchema,
  UserIdSchema,
  type AddMembersBody,
  type List,
  type Member,
  type UpdateMemberBody,
} from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { ChatsService } from './chats.service.js';

@Controller('v1/chats/:chatId/members')
export class MembersController {
  constructor(private readonly chats: ChatsService) {}

  @Post()
  @ApiRoute(
    'Add members (owners and admins)',
    { 201: listOf(MemberSchema) },
    { errors: ['forbidden', 'not_found', 'conflict'] },
  )
  add(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidBody(AddMembersBodySchema) body: AddMembersBody,
  ): Promise<List<Member>> {
    return this.chats.addMembers(actor, chatId, body);
  }

  @Get()
  @ApiRoute("A chat's members", { 200: listOf(MemberSchema) }, { errors: ['not_found'] })
  list(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidQuery(MembersQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<Member>> {
    return this.chats.listMembers(actor, chatId, query.cursor, query.limit);
  }

  @Patch(':userId')
  @ApiRoute("Change a member's role (owners)", { 200: MemberSchema }, { errors: ['forbidden', 'not_found'] })
  setRole(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidParam('userId', UserIdSchema) userId: string,
    @ValidBody(UpdateMemberBodySchema) body: UpdateMemberBody,
  ): Promise<Member> {
    return this.chats.setRole(actor, chatId, userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiRoute(
    'Remove a member (owners and admins), or leave',
    { 204: null },
    { errors: ['forbidden', 'not_found'] },
  )
  remove(
    @CurrentActor() actor: Actor,
    @ValidParam('chatId', IdSchema) chatId: string,
    @ValidParam('userId', UserIdSchema) userId: string,
  ): Promise<void> {
    return this.chats.removeMember(actor, chatId, userId);
  }
}
