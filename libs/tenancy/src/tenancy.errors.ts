import { DomainError } from '@parley/errors';

export class UnauthenticatedError extends DomainError {
  constructor(reason: string) {
    super('unauthenticated', reason);
  }
}

export class OriginNotAllowedError extends DomainError {
  constructor(origin: string) {
    super('origin_not_allowed', `Origin ${origin} is not among this tenant's allowed origins`);
  }
}

export class SecretKeyRequiredError extends DomainError {
  constructor() {
    super('forbidden', 'This call needs the secret key (Authorization: Bearer sk_...)');
  }
}

export class ActingUserRequiredError extends DomainError {
  constructor() {
    super(
      'validation_failed',
      'This call acts as a user: send a user token, or X-On-Behalf-Of with the secret key',
      {
        errors: [{ path: 'headers.x-on-behalf-of', message: 'required for this call' }],
      },
    );
  }
}

export class ActingUserNotFoundError extends DomainError {
  constructor(userId: string) {
    super('not_found', `User ${userId} (X-On-Behalf-Of) does not exist`);
  }
}

export class TenantNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'Tenant not found');
  }
}

export class SecretKeyNotFoundError extends DomainError {
  constructor(keyId: string) {
    super('not_found', `No active secret key ${keyId}`);
  }
}

export class TooManySecretKeysError extends DomainError {
  constructor() {
    super(
      'conflict',
      'A tenant holds at most two active secret keys: revoke the old one before rotating again',
    );
  }
}

export class LastSecretKeyError extends DomainError {
  constructor() {
    super('conflict', "The tenant's only active secret key cannot be revoked: rotate first");
  }
}

export class PageSizeError extends DomainError {
  constructor(max: number) {
    super('validation_failed', `limit must be between 1 and ${max}`, {
      errors: [{ path: 'query.limit', message: `must be between 1 and ${max}` }],
    });
  }
}
