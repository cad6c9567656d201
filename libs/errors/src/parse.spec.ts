import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ValidationFailedError } from './domain-error.js';
import { parseInput } from './parse.js';

describe('parseInput', () => {
  const schema = z.strictObject({ name: z.string(), tags: z.array(z.number()) });

  it('returns the parsed value', () => {
    expect(parseInput(schema, { name: 'a', tags: [1] }, 'body')).toEqual({ name: 'a', tags: [1] });
  });

  it('names each bad field with where it came from', () => {
    const attempt = () => parseInput(schema, { name: 3, tags: [1, 'x'] }, 'body');
    expect(attempt).toThrow(ValidationFailedError);
    try {
      attempt();
    } catch (error) {
      const failure = error as ValidationFailedError;
      expect(failure.code).toBe('validation_failed');
      expect(failure.extra.errors?.map((e) => e.path)).toEqual(['body.name', 'body.tags.1']);
    }
  });
});
