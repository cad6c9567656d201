import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Config } from '@parley/config';
import { configureHttpPipeline } from '@parley/http';
import { NestPinoLogger, type Logger } from '@parley/logging';
import { httpMetrics, MetricsService } from '@parley/metrics';
import { ParleyIoAdapter } from '@parley/realtime';
import { AppModule } from './app.module.js';

/** The API application, not yet listening: `main.ts` serves it, tests boot it on port 0. */
export async function createApiApp(config: Config, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.use(httpMetrics(app.get(MetricsService)));
  configureHttpPipeline(app, logger);

  app.useWebSocketAdapter(new ParleyIoAdapter(app, config.redisUrl));
  return app;
}
