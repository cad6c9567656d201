import { DomainError } from '@parley/errors';

export class UserNotFoundError extends DomainError {
  constructor(userId: string) {
    super('not_found', `User ${userId} not found`);
  }
}

export class UserErasedError extends DomainError {
  constructor(userId: string) {
    super('conflict', `User ${userId} has been erased; upsert them again to restore the account`);
  }
}

export class GuestAccessDisabledError extends DomainError {
  constructor() {
    super(
      'forbidden',
      'This tenant does not allow guests: its admin can set guestAccess in PATCH /v1/tenant',
    );
  }
}
