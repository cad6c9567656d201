import { DomainError, ValidationFailedError } from '@parley/errors';

export class WebhookNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', `Webhook ${id} not found`);
  }
}

export class TooManyWebhooksError extends DomainError {
  constructor(max: number) {
    super('conflict', `A tenant has at most ${max} webhooks; delete one first`);
  }
}

/** The URL may not be called: not public (SSRF guard), or not resolvable. */
export class WebhookUrlRefusedError extends ValidationFailedError {
  constructor(reason: string) {
    super([{ path: 'body.url', message: reason }], `The webhook URL cannot be used: ${reason}`);
  }
}

export class InvalidDeliveryCursorError extends ValidationFailedError {
  constructor() {
    super([{ path: 'query.cursor', message: 'must be a cursor from a previous page' }]);
  }
}
