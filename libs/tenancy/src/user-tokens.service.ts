import { Injectable } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import type { UserToken } from '@parley/protocol';
import { TenantsService } from './tenants.service.js';
import { signUserToken } from './user-tokens.js';

/** Tokens Parley mints itself, for consoles, tests and the demo; tenant backends usually sign their own. */
@Injectable()
export class UserTokensService {
  constructor(private readonly tenants: TenantsService) {}

  async mint(tenantId: TenantId, userId: string, expiresInSeconds: number): Promise<UserToken> {
    const { token, expiresAt } = await signUserToken(
      await this.tenants.signingKey(tenantId),
      userId,
      expiresInSeconds,
    );
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
