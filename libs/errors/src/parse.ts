import type { z } from 'zod';
import { ValidationFailedError } from './domain-error.js';

/** Where the input came from, as the first segment of each error path: `body`, `query`, `params.chatId`, `headers`. */
export type InputLocation = string;

/** Parses transport input with a protocol schema; a failure names every offending field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: InputLocation,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = errors[0]!;
  throw new ValidationFailedError(errors, `${first.path}: ${first.message}`);
}
