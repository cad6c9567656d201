import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, configFromEnvironmentOrExit, type Config } from '@parley/config';
import { DbModule } from '@parley/db';
import { createLogger, NestPinoLogger } from '@parley/logging';
import { QueueModule } from '@parley/queue';
import { RedisModule } from '@parley/redis';

/**
 * The worker process for scaled-out installs: it will run the queue processors (fan-out, push,
 * webhooks, indexing) that `apps/api` otherwise runs in-process. Until the queues exist it only
 * connects to Postgres and Redis, so deployments can already include it.
 */
@Module({})
class WorkerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        RedisModule,
        QueueModule.forRoot({ processJobs: true }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const config = configFromEnvironmentOrExit(process.env);

  if (!config.databaseUrl || !config.redisUrl) {
    console.error('The worker runs beside scaled-out API nodes: set DATABASE_URL and REDIS_URL');
    process.exit(2);
  }
  const logger = createLogger(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks();
  logger.info('worker started');
}

void main();
