import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DEMO_PAGE_CSP } from './demo-page.html.js';
import { DemoPageService } from './demo-page.service.js';

/**
 * `GET /` on the embedded default. An Express middleware rather than a route: the page is no API
 * operation (nothing in the OpenAPI document), and without a demo tenant the request goes on to
 * the ordinary 404, so other deployments have nothing there.
 */
export function serveDemoPage(app: INestApplication): void {
  const demo = app.get(DemoPageService);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path !== '/' || !demo.enabled)
      return next();
    demo.render().then((page) => {
      if (page === null) return next();
      response
        .status(200)
        .set({
          'Content-Type': 'text/html; charset=utf-8',
          // Fresh tokens on every load: never cached.
          'Cache-Control': 'no-store',
          'Content-Security-Policy': DEMO_PAGE_CSP,
          'Referrer-Policy': 'no-referrer',
          'X-Content-Type-Options': 'nosniff',
        })
        .send(page);
    }, next);
  });
}
