import { Controller, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiRoute, ValidBody } from '@parley/http';
import { CreateGuestBodySchema, GuestSchema, type CreateGuestBody, type Guest } from '@parley/protocol';
import { Access, CurrentActor, type Actor } from '@parley/tenancy';
import { GuestsService } from './guests.service.js';

@Controller('v1/guests')
export class GuestsController {
  constructor(private readonly guests: GuestsService) {}

  @Post()
  @Access('publishable')
  @ApiRoute(
    'Sign up a guest (publishable key alone)',
    { 201: GuestSchema },
    {
      description:
        'For support chat on sites whose visitors have no account: a new user `guest-…` and a token for it, when the tenant allows guests (`guestAccess`). Limited per client address.',
    },
  )
  create(
    @CurrentActor() actor: Actor,
    @ValidBody(CreateGuestBodySchema) body: CreateGuestBody,
    @Req() request: Request,
  ): Promise<Guest> {
    return this.guests.create(actor, body, request.ip ?? 'unknown');
  }
}
