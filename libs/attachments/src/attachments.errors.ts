import { DomainError, ValidationFailedError } from '@parley/errors';

/** Also what a caller gets for another tenant's file, or a file in a chat they are not in. */
export class AttachmentNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', `File ${id} not found`);
  }
}

export class DownloadLinkInvalidError extends DomainError {
  constructor() {
    super('forbidden', 'This download link is not valid: take the URL from the message again');
  }
}

export class DownloadLinkExpiredError extends DomainError {
  constructor() {
    super('forbidden', 'This download link has expired: take a fresh URL from the message');
  }
}

export class UploadTooLargeError extends DomainError {
  constructor(limit: number) {
    super('payload_too_large', `Files may be at most ${limit} bytes in this tenant (limits.uploadBytes)`);
  }
}

export class ImageTooLargeError extends DomainError {
  constructor(maxPixels: number) {
    super('payload_too_large', `Images may have at most ${maxPixels / 1_000_000} megapixels`);
  }
}

export class FileTypeNotAllowedError extends DomainError {
  constructor(mime: string) {
    super('unsupported_media_type', `Files of type ${mime} are not accepted here (uploads.allowedTypes)`);
  }
}

export class UnreadableImageError extends DomainError {
  constructor(mime: string) {
    super('unsupported_media_type', `The file starts like ${mime} but is not a readable image`);
  }
}

export class NotMultipartError extends DomainError {
  constructor(contentType: string | undefined) {
    super(
      'unsupported_media_type',
      `Uploads are multipart/form-data with a field "chatId" and a field "file", not ${contentType ?? 'unlabelled'}`,
    );
  }
}

/** The multipart body is malformed or has the wrong parts (none or two files, unknown fields…). */
export class BadUploadFormError extends ValidationFailedError {
  constructor(path: string, message: string) {
    super([{ path, message }], `${path}: ${message}`);
  }
}

export class AttachmentsNotSendableError extends ValidationFailedError {
  constructor(indexes: number[]) {
    super(
      indexes.map((i) => ({
        path: `body.attachments.${i}`,
        message: 'must be an upload of the sender into this chat that is in no message yet',
      })),
      'Only your own uploads into this chat, not yet sent in a message, can be attached',
    );
  }
}

export class AttachmentAlreadySentError extends DomainError {
  constructor(ids: string[]) {
    super(
      'conflict',
      `Already sent in another message: ${ids.join(', ')}; upload the file again to resend it`,
    );
  }
}
