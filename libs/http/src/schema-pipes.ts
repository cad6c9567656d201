import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from '@parley/errors';

class SchemaPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: string,
  ) {}

  transform(value: unknown): z.output<S> {
    return parseInput(this.schema, value, this.location);
  }
}

// The schema is also handed to Nest as the parameter's `schema`: the OpenAPI document reads it there,
// so a route's inputs are described by the very schema that parses them.

/** The request body, parsed by a protocol schema; anything else is a 400 `validation_failed`. */
export const ValidBody = (schema: z.ZodType): ParameterDecorator =>
  Body({ schema, pipes: [new SchemaPipe(schema, 'body')] });
export const ValidQuery = (schema: z.ZodType): ParameterDecorator =>
  Query({ schema, pipes: [new SchemaPipe(schema, 'query')] });
export const ValidParam = (name: string, schema: z.ZodType): ParameterDecorator =>
  Param(name, { schema, pipes: [new SchemaPipe(schema, `params.${name}`)] });
