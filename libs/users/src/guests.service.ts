import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GUEST_TOKEN_SECONDS, type CreateGuestBody, type Guest } from '@parley/protocol';
import { RateLimitService } from '@parley/rate-limit';
import { UserTokensService, type Actor } from '@parley/tenancy';
import { GuestAccessDisabledError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

/**
 * Anonymous visitors of a tenant that allows them (support chat): each sign-up makes a fresh user
 * `guest-…` marked `metadata.guest`, and a token for it. Nothing but the client address limits them.
 */
@Injectable()
export class GuestsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: UserTokensService,
    private readonly limits: RateLimitService,
  ) {}

  async create(actor: Actor, body: CreateGuestBody, clientAddress: string): Promise<Guest> {
    if (!actor.settings.guestAccess) throw new GuestAccessDisabledError();
    await this.limits.checkGuestSignup(actor, clientAddress);
    const suffix = randomBytes(10).toString('hex');
    const userId = `guest-${suffix}`;
    const name = body.name ?? `Guest ${suffix.slice(0, 4).toUpperCase()}`;
    await this.users.upsert(actor.tenantId, { id: userId, name, avatarUrl: null, metadata: { guest: true } });
    const { token, expiresAt } = await this.tokens.mint(actor.tenantId, userId, GUEST_TOKEN_SECONDS);
    return { userId, name, token, expiresAt };
  }
}
