import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, configFromEnvironmentOrExit, type Config } from '@parley/config';
import { DbModule } from '@parley/db';
import { FanoutModule } from '@parley/fanout';
import { FanoutQueueModule } from '@parley/fanout-queue';
import { createLogger, NestPinoLogger } from '@parley/logging';
import { QueueModule } from '@parley/queue';
import { RedisModule } from '@parley/redis';
import { SearchModule } from '@parley/search';

/**
 * The worker process for scaled-out installs: it runs the queue processors (fan-out, push, webhooks)
 * that `apps/api` otherwise runs in-process (`PARLEY_WORKERS=inline`). Run API nodes with
 * `PARLEY_WORKERS=off` and as many workers as the queues need; they share jobs through Redis.
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
        // The chat services push depends on publish through it; a worker has no sockets to reach.
        FanoutModule,
        FanoutQueueModule,
        // Keeps Elasticsearch in step (the `index` queue); with Postgres search it has nothing to do.
        SearchModule,
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
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) process.exit(1);
    stopping = true;
    // Closing drains the queues: running jobs finish, waiting ones stay in Redis for another worker.
    logger.info({ signal }, 'worker stopping');
    await app.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  logger.info('worker started');
}

void main();
