import type { Express } from 'express';
import type { TestApp } from '../support/test-app.js';

/** Routes that serve the API console and its document rather than the API. */
const CONSOLE_ROUTE = /^\/(docs(\/.*)?|openapi\.json)$/;

/**
 * Every API route the running app registered, as `METHOD /path/:param` (Express 5 keeps them on
 * `app.router.stack`), sorted. Tables of per-route tests compare themselves with it, so a route added
 * without its tests fails them.
 */
export function registeredRoutes(app: TestApp): string[] {
  const router = (app.app.getHttpAdapter().getInstance() as Express).router as unknown as {
    stack: { route?: { path: string; methods: Record<string, boolean> } }[];
  };
  return router.stack
    .flatMap(({ route }) =>
      route && !CONSOLE_ROUTE.test(route.path)
        ? Object.keys(route.methods)
            .filter((method) => method !== '_all')
            .map((method) => `${method.toUpperCase()} ${route.path}`)
        : [],
    )
    .sort();
}
