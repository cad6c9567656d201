import type { Express } from 'express';
import { expect } from 'vitest';
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

/**
 * A per-route table covers exactly the routes the app registered, each once: a new route without its
 * row, or a row left behind by a removed route, fails the suite that owns the table.
 */
export function expectEveryRouteCovered(app: TestApp, covered: string[], suite: string): void {
  const registered = registeredRoutes(app);
  expect(registered.length).toBeGreaterThan(40);
  expect(
    registered.filter((route) => !covered.includes(route)),
    `routes without ${suite} cases: add them to ROUTES`,
  ).toEqual([]);
  expect(
    covered.filter((route) => !registered.includes(route)),
    'cases for routes the app does not have',
  ).toEqual([]);
  expect(new Set(covered).size, 'a route listed twice').toBe(covered.length);
}
