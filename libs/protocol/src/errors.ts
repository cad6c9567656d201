import { z } from 'zod';
import { ERROR_CODES } from './constants.js';

export { ERRORS, ERROR_CODES, isRetryable, problemType, type ErrorCode } from './constants.js';

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
