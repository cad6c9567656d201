import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ValidBody } from '@parley/http';
import {
  FcmCredentialsBodySchema,
  type FcmCredentials,
  type FcmCredentialsBody,
  type VapidKey,
} from '@parley/protocol';
import { Access, CurrentActor, type Actor } from '@parley/tenancy';
import { PushService } from './push.service.js';

@Controller('v1')
export class PushController {
  constructor(private readonly push: PushService) {}

  /** The key a browser subscribes with (`pushManager.subscribe({ applicationServerKey })`). */
  @Get('push/vapid-key')
  vapidKey(): VapidKey {
    return this.push.vapidKey();
  }

  /** The tenant's Firebase service account; stored encrypted, never shown again. */
  @Put('tenant/push/fcm')
  @Access('server')
  putFcm(
    @CurrentActor() actor: Actor,
    @ValidBody(FcmCredentialsBodySchema) body: FcmCredentialsBody,
  ): Promise<FcmCredentials> {
    return this.push.putFcmCredentials(actor, body);
  }

  @Get('tenant/push/fcm')
  @Access('server')
  getFcm(@CurrentActor() actor: Actor): Promise<FcmCredentials> {
    return this.push.getFcmCredentials(actor);
  }

  @Delete('tenant/push/fcm')
  @Access('server')
  @HttpCode(204)
  deleteFcm(@CurrentActor() actor: Actor): Promise<void> {
    return this.push.deleteFcmCredentials(actor);
  }
}
