import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CONFIG, type Config } from '@parley/config';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { loadMasterKey, MASTER_KEY } from './master-key.js';
import { SecretBox } from './secret-box.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';
import { UserAuthRepository } from './user-auth.repository.js';
import { UserTokensService } from './user-tokens.service.js';

@Module({
  controllers: [TenantsController],
  providers: [
    { provide: MASTER_KEY, inject: [CONFIG], useFactory: (config: Config) => loadMasterKey(config) },
    { provide: SecretBox, inject: [MASTER_KEY], useFactory: (key: Buffer) => new SecretBox(key) },
    TenantsRepository,
    TenantsService,
    UserAuthRepository,
    UserTokensService,
    AuthService,
    // Registered first among the global guards: rate limits and routes see an authenticated caller.
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  // SecretBox: other capabilities seal their secrets (webhook secrets, FCM credentials) with the master key too;
  // MASTER_KEY: they derive their own keys from it (deriveKey).
  exports: [TenantsService, AuthService, UserTokensService, SecretBox, MASTER_KEY],
})
export class TenancyModule {}
