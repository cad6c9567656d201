import { Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  listOf,
  MintTokenBodySchema,
  UpsertUserBodySchema,
  UserIdSchema,
  UserIdsQuerySchema,
  UserSchema,
  UserTokenSchema,
  type List,
  type MintTokenBody,
  type UpsertUserBody,
  type User,
  type UserToken,
} from '@parley/protocol';
import { Access, CurrentActor, type Actor } from '@parley/tenancy';
import { UsersService } from './users.service.js';

const UserId = (): ParameterDecorator => ValidParam('userId', UserIdSchema);

@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Put(':userId')
  @Access('server')
  @ApiRoute(
    'Create or replace a user',
    { 201: UserSchema, 200: UserSchema },
    { description: '201 when the user is new, 200 when an existing profile was replaced.' },
  )
  async upsert(
    @CurrentActor() actor: Actor,
    @UserId() userId: string,
    @ValidBody(UpsertUserBodySchema) body: UpsertUserBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<User> {
    const { user, created } = await this.users.upsert(actor, userId, body);
    response.status(created ? 201 : 200);
    return user;
  }

  @Get()
  @ApiRoute('Users by id (unknown ids are left out)', { 200: listOf(UserSchema) })
  list(
    @CurrentActor() actor: Actor,
    @ValidQuery(UserIdsQuerySchema) query: { ids: string[] },
  ): Promise<List<User>> {
    return this.users.getMany(actor, query.ids);
  }

  @Get(':userId')
  @ApiRoute('A user', { 200: UserSchema }, { errors: ['not_found'] })
  get(@CurrentActor() actor: Actor, @UserId() userId: string): Promise<User> {
    return this.users.get(actor, userId);
  }

  @Delete(':userId')
  @Access('server')
  @HttpCode(204)
  @ApiRoute('Erase a user and their content', { 204: null }, { errors: ['not_found'] })
  erase(@CurrentActor() actor: Actor, @UserId() userId: string): Promise<void> {
    return this.users.erase(actor, userId);
  }

  @Post(':userId/tokens')
  @Access('server')
  @ApiRoute('Mint a user token', { 201: UserTokenSchema }, { errors: ['conflict'] })
  mintToken(
    @CurrentActor() actor: Actor,
    @UserId() userId: string,
    @ValidBody(MintTokenBodySchema) body: MintTokenBody,
  ): Promise<UserToken> {
    return this.users.mintToken(actor, userId, body.expiresIn);
  }

  @Delete(':userId/tokens')
  @Access('server')
  @HttpCode(204)
  @ApiRoute('Revoke every token issued to a user so far', { 204: null }, { errors: ['not_found'] })
  revokeTokens(@CurrentActor() actor: Actor, @UserId() userId: string): Promise<void> {
    return this.users.revokeTokens(actor, userId);
  }
}
