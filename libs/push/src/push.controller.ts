import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiRoute, ValidBody } from '@parley/http';
import {
  FcmCredentialsBodySchema,
  FcmCredentialsSchema,
  VapidKeySchema,
  type FcmCredentials,
  type FcmCredentialsBody,
  type VapidKey,
} from '@parley/protocol';
import { Access, CurrentActor, type Actor } from '@parley/tenancy';
import { PushService } from './push.service.js';

@Controller('v1')
export class PushController {
  constructor(private readonly push: PushService) {}

  @Get('push/vapid-key')
  @ApiRoute(
    'The Web Push (VAPID) public key',
    { 200: VapidKeySchema },
    {
      description: 'The key a browser subscribes with (`pushManager.subscribe({ applicationServerKey })`).',
    },
  )
  vapidKey(): VapidKey {
    return this.push.vapidKey();
  }

  @Put('tenant/push/fcm')
  @Access('server')
  @ApiRoute(
    "Set the tenant's Firebase service account",
    { 200: FcmCredentialsSchema },
    { description: 'Stored encrypted; the key is never shown again.' },
  )
  putFcm(
    @CurrentActor() actor: Actor,
    @ValidBody(FcmCredentialsBodySchema) body: FcmCredentialsBody,
  ): Promise<FcmCredentials> {
    return this.push.putFcmCredentials(actor, body);
  }

  @Get('tenant/push/fcm')
  @Access('server')
  @ApiRoute(
    "The tenant's FCM credentials (without the key)",
    { 200: FcmCredentialsSchema },
    { errors: ['not_found'] },
  )
  getFcm(@CurrentActor() actor: Actor): Promise<FcmCredentials> {
    return this.push.getFcmCredentials(actor);
  }

  @Delete('tenant/push/fcm')
  @Access('server')
  @HttpCode(204)
  @ApiRoute("Remove the tenant's FCM credentials", { 204: null })
  deleteFcm(@CurrentActor() actor: Actor): Promise<void> {
    return this.push.deleteFcmCredentials(actor);
  }
}
