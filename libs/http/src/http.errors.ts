import { DomainError } from '@parley/errors';

export class UnsupportedMediaTypeError extends DomainError {
  constructor(contentType: string | undefined) {
    super('unsupported_media_type', `Bodies must be application/json, not ${contentType ?? 'unlabelled'}`);
  }
}
