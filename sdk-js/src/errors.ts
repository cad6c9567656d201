import { ERRORS, type ErrorCode, type FieldError } from '@parley/protocol';

/**
 * The codes a `ParleyError` carries: the server's (`@parley/protocol` `ERRORS`) and the client's own
 * for requests that never got an answer.
 */
export type ParleyErrorCode =
  | ErrorCode
  /** The server could not be reached, or the connection dropped mid-request. */
  | 'network_error'
  /** No answer within the request's time limit. */
  | 'timeout'
  /** The realtime connection is down; the request was not sent. */
  | 'disconnected'
  /** The client was disconnected by the app (`disconnect()`), or the chat closed. */
  | 'closed';

const CLIENT_CODES: Record<Exclude<ParleyErrorCode, ErrorCode>, boolean> = {
  network_error: true,
  timeout: true,
  disconnected: true,
  closed: false,
};

export interface ParleyErrorDetails {
  /** HTTP status of a REST answer; null for socket acks and client-side failures. */
  status?: number | null;
  /** The request id a server error carries, to quote to the operator. */
  requestId?: string | null;
  /** Per-field problems of a `validation_failed`. */
  fields?: FieldError[];
  cause?: unknown;
}

/** Every failure the SDK reports: a stable `code`, and whether trying again may help. */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ParleyErrorCode;
  readonly status: number | null;
  /** True when the same request may succeed later unchanged (the protocol's `retryable`). */
  readonly retryable: boolean;
  readonly requestId: string | null;
  readonly fields: FieldError[];

  constructor(code: ParleyErrorCode, message: string, details: ParleyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status ?? null;
    this.retryable = isRetryableCode(code);
    this.requestId = details.requestId ?? null;
    this.fields = details.fields ?? [];
  }
}

export function isRetryableCode(code: string): boolean {
  if (code in CLIENT_CODES) return CLIENT_CODES[code as keyof typeof CLIENT_CODES];
  if (code in ERRORS) return ERRORS[code as ErrorCode].retryable;
  return false;
}

/** A server code the SDK does not know yet (a newer server) is read from the HTTP status. */
export function codeForStatus(status: number): ErrorCode {
  for (const [code, info] of Object.entries(ERRORS)) if (info.status === status) return code as ErrorCode;
  return status >= 500 ? 'internal' : 'validation_failed';
}

export function asParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ParleyError('network_error', message, { cause: error });
}
