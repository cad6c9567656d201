import { Controller, Get } from '@nestjs/common';
import { ApiRoute, ValidQuery } from '@parley/http';
import { listOf, PresenceQuerySchema, PresenceSchema, type List, type Presence } from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { PresenceService } from './presence.service.js';

@Controller('v1/presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get()
  @ApiRoute(
    'Online state and last-seen time of up to 100 users',
    { 200: listOf(PresenceSchema) },
    { description: 'Unknown users are left out.' },
  )
  list(
    @CurrentActor() actor: Actor,
    @ValidQuery(PresenceQuerySchema) query: { userIds: string[] },
  ): Promise<List<Presence>> {
    return this.presence.list(actor, query.userIds);
  }
}
