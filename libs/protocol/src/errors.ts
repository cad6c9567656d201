import { z } from 'zod';

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
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const FieldErrorSchema = z.object({
  path: z.string().describe('Dotted path of the offending field, e.g. `body.members.2`'),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** RFC 9457 problem details, as every failed REST call answers with `application/problem+json`. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: ErrorCodeSchema,
  errors: z.array(FieldErrorSchema).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const problemType = (code: ErrorCode): string => `urn:parley:error:${code}`;
export const isRetryable = (code: ErrorCode): boolean => ERRORS[code].retryable;
