import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiRoute, ValidBody, ValidParam } from '@parley/http';
import {
  CreateTenantBodySchema,
  IdSchema,
  listOf,
  RotatedKeySchema,
  TenantCreatedSchema,
  TenantSchema,
  UpdateTenantBodySchema,
  type CreateTenantBody,
  type List,
  type RotatedKey,
  type Tenant,
  type TenantCreated,
  type UpdateTenantBody,
} from '@parley/protocol';
import { Access, CurrentActor } from './access.decorator.js';
import type { Actor } from './actor.js';
import { TenantsService } from './tenants.service.js';

@Controller('v1')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post('tenants')
  @Access('operator')
  @ApiRoute('Create a tenant (its keys are shown once)', { 201: TenantCreatedSchema })
  create(@ValidBody(CreateTenantBodySchema) body: CreateTenantBody): Promise<TenantCreated> {
    return this.tenants.create(body);
  }

  @Get('tenants')
  @Access('operator')
  @ApiRoute('List tenants', { 200: listOf(TenantSchema) })
  async list(): Promise<List<Tenant>> {
    return { data: await this.tenants.list(), nextCursor: null };
  }

  @Get('tenant')
  @Access('server')
  @ApiRoute("The tenant's settings and secret keys", { 200: TenantSchema })
  get(@CurrentActor() actor: Actor): Promise<Tenant> {
    return this.tenants.get(actor.tenantId);
  }

  @Patch('tenant')
  @Access('server')
  @ApiRoute("Change the tenant's settings", { 200: TenantSchema })
  update(
    @CurrentActor() actor: Actor,
    @ValidBody(UpdateTenantBodySchema) body: UpdateTenantBody,
  ): Promise<Tenant> {
    return this.tenants.update(actor.tenantId, body);
  }

  @Post('tenant/keys/rotate')
  @Access('server')
  @ApiRoute(
    'Add a secret key (shown once); the old one works until revoked',
    { 201: RotatedKeySchema },
    { errors: ['conflict'] },
  )
  rotate(@CurrentActor() actor: Actor): Promise<RotatedKey> {
    return this.tenants.rotateSecretKey(actor.tenantId);
  }

  @Delete('tenant/keys/:keyId')
  @Access('server')
  @HttpCode(204)
  @ApiRoute(
    'Revoke a secret key, and the user tokens it signed',
    { 204: null },
    { errors: ['not_found', 'conflict'] },
  )
  revoke(@CurrentActor() actor: Actor, @ValidParam('keyId', IdSchema) keyId: string): Promise<void> {
    return this.tenants.revokeSecretKey(actor.tenantId, keyId);
  }
}
