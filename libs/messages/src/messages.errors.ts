import { DomainError } from '@parley/errors';

export class MessageNotFoundError extends DomainError {
  constructor(messageId: string) {
    super('not_found', `Message ${messageId} not found in this chat`);
  }
}

export class MessageDeletedError extends DomainError {
  constructor(messageId: string) {
    super('conflict', `Message ${messageId} has been deleted`);
  }
}

export class NotMessageSenderError extends DomainError {
  constructor(action: string) {
    super('forbidden', `Only the sender or the chat's admins may ${action} this message`);
  }
}

export class TextTooLongError extends DomainError {
  constructor(limit: number) {
    super('validation_failed', `Text is longer than this tenant's limit of ${limit} characters`, {
      errors: [{ path: 'body.text', message: `must be at most ${limit} characters` }],
    });
  }
}

export class EmptyMessageError extends DomainError {
  constructor() {
    super('validation_failed', 'A message needs text, attachments, or both', {
      errors: [{ path: 'body.text', message: 'required unless the message has attachments' }],
    });
  }
}

export class ClientIdReusedError extends DomainError {
  constructor(clientId: string) {
    super('conflict', `clientId ${clientId} was already used for a message in another chat`);
  }
}

export class ReplyTargetNotFoundError extends DomainError {
  constructor(messageId: string) {
    super('validation_failed', `replyTo ${messageId} is not a message of this chat`, {
      errors: [{ path: 'body.replyTo', message: 'must be a message of this chat' }],
    });
  }
}

export class TooManyReactionsError extends DomainError {
  constructor(limit: number) {
    super('conflict', `A message carries at most ${limit} different reactions`);
  }
}
