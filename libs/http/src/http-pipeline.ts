import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@parley/logging';
import { UnsupportedMediaTypeError } from './http.errors.js';
import { ProblemFilter, sendProblem } from './problem.filter.js';
import { assignRequestId, logRequests } from './request-context.js';

const JSON_BODY_LIMIT = '1mb';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Api-Key, X-Request-Id';

/**
 * Preflights carry no API key, so they cannot be checked against a tenant's origins: they are
 * answered for any origin, and the real request is refused (`origin_not_allowed`, no CORS header)
 * when its origin is not allowed.
 */
function answerPreflight(request: Request, response: Response, next: NextFunction): void {
  const origin = request.headers.origin;
  if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method'])
    return next();
  response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
  response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  response.setHeader('Access-Control-Max-Age', '600');
  response.vary('Origin');
  response.status(204).end();
}

/** The one route whose body is not JSON: uploads, which its controller streams (libs/attachments). */
const MULTIPART_ROUTE = '/v1/uploads';

/** A body that is not JSON is refused up front rather than read as "no body". */
function requireJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody || request.is(['application/json', 'application/*+json'])) return next();
  if (request.path === MULTIPART_ROUTE && request.is('multipart/form-data')) return next();
  next(new UnsupportedMediaTypeError(request.headers['content-type']));
}

/** Request ids, logging, CORS preflights, JSON bodies, and problem+json for every failure. */
export function configureHttpPipeline(app: INestApplication, logger: Logger): void {
  const server = app.getHttpAdapter().getInstance() as express.Express;
  server.disable('x-powered-by');
  app.use(assignRequestId);
  app.use(logRequests(logger));
  app.use(answerPreflight);
  app.use(requireJsonBodies);
  app.use(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    sendProblem(error, request, response, logger);
  });
  app.useGlobalFilters(new ProblemFilter(logger));
}
