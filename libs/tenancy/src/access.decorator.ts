import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AccessLevel, Actor, Caller } from './actor.js';

export const ACCESS_METADATA = 'parley:access';

/**
 * What a route demands; routes without it take `tenant` (the secret key, or the publishable key with
 * a user token). `server` demands the secret key; `operator` the operator token.
 */
export const Access = (level: AccessLevel): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, level);

export interface CallerRequest {
  caller?: Caller;
}

/** The acting tenant caller that the auth guard attached. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const caller = context.switchToHttp().getRequest<CallerRequest>().caller;
  if (caller?.kind !== 'tenant')
    throw new Error('CurrentActor used on a route that does not authenticate a tenant');
  return caller.actor;
});
