import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import type { ErrorCode } from '@parley/protocol';

export const API_ROUTE_METADATA = 'parley:api-route';

/**
 * A success answer's body: a protocol schema (JSON), `null` for none, or `{ mediaType }` for bytes
 * that are not JSON (`text/plain`, or `*\/*` for files of any type).
 */
export type ApiAnswer = z.ZodType | null | { mediaType: string };

export interface ApiRouteOptions {
  /** Longer words for the console, in Markdown. */
  description?: string;
  /**
   * Error codes this route answers because of what it does (`not_found`, `forbidden`, `conflict`…).
   * The document adds by itself those that come with the route's access level and inputs
   * (`validation_failed`, `unauthenticated`, `rate_limited`, …).
   */
  errors?: ErrorCode[];
  /** A `multipart/form-data` body (read by the route itself): its text fields and its file field. */
  upload?: { fields: z.ZodType; file: string };
}

/** What the OpenAPI document reads besides the `@nestjs/swagger` metadata. */
export interface ApiRouteFacts {
  errors: ErrorCode[];
  upload?: { fields: z.ZodType; file: string };
}

/**
 * Describes a route in the OpenAPI document: a one-line summary and its success answers by status.
 * JSON bodies, queries and path parameters need nothing here: the document reads the protocol
 * schemas that `ValidBody`, `ValidQuery` and `ValidParam` parse them with.
 *
 * @example `@ApiRoute('Send a message', { 201: MessageSchema, 200: MessageSchema }, { errors: ['conflict'] })`
 */
export function ApiRoute(
  summary: string,
  answers: Record<number, ApiAnswer>,
  { description, errors = [], upload }: ApiRouteOptions = {},
): MethodDecorator {
  const facts: ApiRouteFacts = upload ? { errors, upload } : { errors };
  return applyDecorators(
    ApiOperation(description === undefined ? { summary } : { summary, description }),
    ...Object.entries(answers).map(([status, answer]) => ApiResponse(response(Number(status), answer))),
    SetMetadata(API_ROUTE_METADATA, facts),
  );
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  206: 'Partial content (a `Range` request)',
  304: 'Not modified (`If-None-Match` matched)',
};

function response(status: number, answer: ApiAnswer): Parameters<typeof ApiResponse>[0] {
  const description = STATUS_TEXT[status] ?? String(status);
  if (answer === null) return { status, description };
  if ('mediaType' in answer) {
    const schema = answer.mediaType.startsWith('text/') ? { type: 'string' } : {};
    return { status, description, content: { [answer.mediaType]: { schema } } };
  }
  return { status, description, standardSchema: answer };
}
