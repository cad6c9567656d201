import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/** Times every HTTP request by its route template (never the raw path, which holds ids). */
export const httpMetrics =
  (metrics: MetricsService) =>
  (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer({ method: request.method });
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ route, status: String(response.statusCode) });
    });
    next();
  };
