import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ValidBody, ValidParam } from '@parley/http';
import {
  CreateTenantBodySchema,
  IdSchema,
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
  create(@ValidBody(CreateTenantBodySchema) body: CreateTenantBody): Promise<TenantCreated> {
    return this.tenants.create(body);
  }

  @Get('tenants')
  @Access('operator')
  async list(): Promise<List<Tenant>> {
    return { data: await this.tenants.list(), nextCursor: null };
  }

  @Get('tenant')
  @Access('server')
  get(@CurrentActor() actor: Actor): Promise<Tenant> {
    return this.tenants.get(actor.tenantId);
  }

  @Patch('tenant')
  @Access('server')
  update(
    @CurrentActor() actor: Actor,
    @ValidBody(UpdateTenantBodySchema) body: UpdateTenantBody,
  ): Promise<Tenant> {
    return this.tenants.update(actor.tenantId, body);
  }

  @Post('tenant/keys/rotate')
  @Access('server')
  rotate(@CurrentActor() actor: Actor): Promise<RotatedKey> {
    return this.tenants.rotateSecretKey(actor.tenantId);
  }

  @Delete('tenant/keys/:keyId')
  @Access('server')
  @HttpCode(204)
  revoke(@CurrentActor() actor: Actor, @ValidParam('keyId', IdSchema) keyId: string): Promise<void> {
    return this.tenants.revokeSecretKey(actor.tenantId, keyId);
  }
}
