import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@parley/logging';
import { describeError, toProblem } from './problem.js';
import { requestIdOf } from './request-context.js';

/** Answers a failed HTTP request with `application/problem+json` and a stable code. */
export function sendProblem(error: unknown, request: Request, response: Response, logger: Logger): void {
  const described = describeError(error);
  const requestId = requestIdOf(request);
  if (described.errorId) {
    logger.error(
      { err: error, errorId: described.errorId, requestId, route: request.route?.path },
      'unhandled error',
    );
  }
  const problem = toProblem(described, requestId);
  if (described.retryAfterSeconds !== undefined)
    response.setHeader('Retry-After', String(described.retryAfterSeconds));
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}
