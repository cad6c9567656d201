import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute, ValidBody, ValidParam } from '@parley/http';
import {
  DeviceSchema,
  IdSchema,
  listOf,
  RegisterDeviceBodySchema,
  type Device,
  type List,
  type RegisterDeviceBody,
} from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { PushService } from './push.service.js';

/** A user's push targets: their own (user token), or a user's through the backend with `X-On-Behalf-Of`. */
@Controller('v1/devices')
export class DevicesController {
  constructor(private readonly push: PushService) {}

  @Post()
  @ApiRoute(
    'Register an FCM token or a Web Push subscription',
    { 201: DeviceSchema, 200: DeviceSchema },
    {
      description:
        '201 for a new device; 200 when the token was registered before (it now belongs to this user).',
    },
  )
  async register(
    @CurrentActor() actor: Actor,
    @ValidBody(RegisterDeviceBodySchema) body: RegisterDeviceBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Device> {
    const { device, created } = await this.push.register(actor, body);
    response.status(created ? 201 : 200);
    return device;
  }

  @Get()
  @ApiRoute("The acting user's devices", { 200: listOf(DeviceSchema) })
  list(@CurrentActor() actor: Actor): Promise<List<Device>> {
    return this.push.listMine(actor);
  }

  @Delete(':deviceId')
  @HttpCode(204)
  @ApiRoute('Remove a device', { 204: null }, { errors: ['not_found'] })
  remove(@CurrentActor() actor: Actor, @ValidParam('deviceId', IdSchema) deviceId: string): Promise<void> {
    return this.push.remove(actor, deviceId);
  }
}
