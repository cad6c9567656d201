import { DomainError, ValidationFailedError } from '@parley/errors';

export class DeviceNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', `Device ${id} not found`);
  }
}

export class FcmCredentialsNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'No FCM credentials are set for this tenant');
  }
}

export class InvalidServiceAccountError extends ValidationFailedError {
  constructor(reason: string) {
    super(
      [{ path: 'body.serviceAccount.private_key', message: reason }],
      `The service account is not usable: ${reason}`,
    );
  }
}

export class PushEndpointRefusedError extends ValidationFailedError {
  constructor(reason: string) {
    super(
      [{ path: 'body.subscription.endpoint', message: reason }],
      `The push endpoint cannot be used: ${reason}`,
    );
  }
}

/** The push service could not take the message now (network, 429, 5xx): retry later. */
export class PushUnavailableError extends Error {
  override readonly name = 'PushUnavailableError';
}

/** The push service refused the message in a way no retry fixes (bad credentials, bad request). */
export class PushRejectedError extends Error {
  override readonly name = 'PushRejectedError';
}
