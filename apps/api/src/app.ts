import 'reflect-metadata';
import type { DynamicModule, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Config } from '@parley/config';
import { configureHttpPipeline } from '@parley/http';
import { NestPinoLogger, type Logger } from '@parley/logging';
import { httpMetrics, MetricsService } from '@parley/metrics';
import { serveApiDocs } from '@parley/openapi';
import { ParleyIoAdapter } from '@parley/realtime';
import { serveDemoPage } from '@parley/widget-host';
import { AppModule } from './app.module.js';

/** Makes the Nest application from the root module; tests pass one that overrides providers. */
export type AppFactory = (
  module: DynamicModule,
  options: NestApplicationOptions,
) => Promise<NestExpressApplication>;

const nestFactory: AppFactory = (module, options) =>
  NestFactory.create<NestExpressApplication>(module, options);

/** The API application, not yet listening: `main.ts` serves it, tests boot it on port 0. */
export async function createApiApp(
  config: Config,
  logger: Logger,
  create: AppFactory = nestFactory,
): Promise<NestExpressApplication> {
  const app = await create(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.use(httpMetrics(app.get(MetricsService)));
  // Client addresses (guest sign-up limits, logs) come from X-Forwarded-For only through trusted proxies.
  if (config.trustProxy !== null) app.set('trust proxy', config.trustProxy);
  configureHttpPipeline(app, logger);
  serveApiDocs(app);
  serveDemoPage(app);

  app.useWebSocketAdapter(new ParleyIoAdapter(app, config.redisUrl));
  return app;
}
