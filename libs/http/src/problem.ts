import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { DomainError } from '@parley/errors';
import { ERRORS, problemType, type ErrorCode, type FieldError, type Problem } from '@parley/protocol';

export interface DescribedError {
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** Set for unexpected errors: logged with the error, and shown to the client to quote. */
  errorId?: string;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Any thrown value, as the stable error code and words a client gets. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof DomainError) {
    return { code: error.code, detail: error.message, ...error.extra };
  }
  if (error instanceof HttpException) {
    const code = STATUS_CODES[error.getStatus()];
    if (code) return { code, detail: error.message };
  }
  // Express's body parser marks its own failures with a status and a type. It takes objects and arrays
  // only, so `null` or `"text"` fail there too, though they are valid JSON.
  const parserError = error as { status?: number; type?: string; message?: string; expose?: boolean } | null;
  if (parserError?.type === 'entity.parse.failed')
    return { code: 'validation_failed', detail: 'The body is not a JSON object' };
  if (parserError?.type === 'entity.too.large')
    return { code: 'payload_too_large', detail: 'The body is too large' };
  if (parserError?.type === 'charset.unsupported' || parserError?.type === 'encoding.unsupported') {
    return { code: 'unsupported_media_type', detail: parserError.message ?? 'Unsupported body encoding' };
  }
  // Its other refusals (a gzip body that does not inflate, a body shorter than its Content-Length)
  // are the client's fault too: http-errors marks those as safe to show.
  if (parserError?.expose === true) {
    const code = STATUS_CODES[parserError.status ?? 0];
    if (code) return { code, detail: `The body could not be read: ${parserError.message ?? 'unknown'}` };
  }
  const errorId = randomUUID();
  return { code: 'internal', detail: `Internal error; quote ${errorId} when reporting it`, errorId };
}

export function toProblem(described: DescribedError, requestId?: string): Problem {
  const { code, detail, errors } = described;
  return {
    type: problemType(code),
    title: ERRORS[code].title,
    status: ERRORS[code].status,
    detail,
    code,
    ...(errors ? { errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
