import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@parley/logging';

const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

interface TracedRequest extends Request {
  requestId?: string;
  caller?: { kind: string; actor?: { tenantId: string; userId: string | null } };
}

export const requestIdOf = (request: Request): string | undefined => (request as TracedRequest).requestId;

/** Keeps the caller's `X-Request-Id` when it is sane, otherwise makes one; echoed on the response. */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (request as TracedRequest).requestId = id;
  response.setHeader('X-Request-Id', id);
  next();
}

/** One line per request, with the route template (never the raw path, which holds ids) and who called. */
export const logRequests =
  (logger: Logger) =>
  (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const traced = request as TracedRequest;
      const actor = traced.caller?.actor;
      logger.info(
        {
          requestId: traced.requestId,
          method: request.method,
          route: (request.route as { path?: string } | undefined)?.path ?? null,
          status: response.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          tenantId: actor?.tenantId,
          userId: actor?.userId ?? undefined,
        },
        'request',
      );
    });
    next();
  };
