/**
 * The contract's run-time constants, in a module that imports nothing: browser bundles (the SDK, the
 * widget) import these through `@parley/protocol` and, the package being free of side effects, never
 * pull zod in with them. Everything here is also re-exported next to the schemas it belongs to.
 */

/**
 * Every error Parley returns carries one of these codes, over REST (problem+json `code`) and over the
 * socket (ack `error.code`). `retryable` tells a client whether the same request may succeed later
 * without being changed.
 */
export const ERRORS = {
  validation_failed: { status: 400, retryable: false, title: 'Validation failed' },
  unauthenticated: { status: 401, retryable: false, title: 'Unauthenticated' },
  forbidden: { status: 403, retryable: false, title: 'Forbidden' },
  origin_not_allowed: { status: 403, retryable: false, title: 'Origin not allowed' },
  not_found: { status: 404, retryable: false, title: 'Not found' },
  conflict: { status: 409, retryable: false, title: 'Conflict' },
  payload_too_large: { status: 413, retryable: false, title: 'Payload too large' },
  unsupported_media_type: { status: 415, retryable: false, title: 'Unsupported media type' },
  rate_limited: { status: 429, retryable: true, title: 'Rate limited' },
  internal: { status: 500, retryable: true, title: 'Internal error' },
  unavailable: { status: 503, retryable: true, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; retryable: boolean; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

export const problemType = (code: ErrorCode): string => `urn:parley:error:${code}`;
export const isRetryable = (code: ErrorCode): boolean => ERRORS[code].retryable;

/** The socket.io namespace clients connect to (path `/socket.io`). */
export const REALTIME_NAMESPACE = '/v1';

/** Names of the server → client events; `SERVER_EVENTS` in events.ts maps each to its payload schema. */
export const SERVER_EVENT_NAMES = [
  'message:new',
  'message:updated',
  'message:deleted',
  'typing',
  'receipt',
  'presence',
  'chat:updated',
  'member:added',
  'member:removed',
] as const;
