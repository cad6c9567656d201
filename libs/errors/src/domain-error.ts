import type { ErrorCode, FieldError } from '@parley/protocol';

/**
 * The one error type domain services throw. Each capability names its own in `<capability>.errors.ts`;
 * the transports map `code` to an HTTP status or a socket ack, so services never know which called them.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is not valid') {
    super('validation_failed', message, { errors });
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, what: string) {
    super('rate_limited', `Too many ${what}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
