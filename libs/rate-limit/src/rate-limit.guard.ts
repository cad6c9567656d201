import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CallerRequest } from '@parley/tenancy';
import { RateLimitService } from './rate-limit.service.js';

const SEND_RATE = 'parley:send-rate';

/** Marks a route that sends a message: it also counts against the per-user send rate. */
export const SendRate = (): MethodDecorator => SetMetadata(SEND_RATE, true);

/** Global, after authentication: counts every tenant call against the tenant's limits. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const caller = context.switchToHttp().getRequest<CallerRequest>().caller;
    if (caller?.kind !== 'tenant') return true;
    await this.limits.checkRequest(caller.actor);
    if (this.reflector.get<boolean | undefined>(SEND_RATE, context.getHandler()))
      await this.limits.checkSend(caller.actor);
    return true;
  }
}
