import { configFromEnvironmentOrExit } from '@parley/config';
import { createLogger } from '@parley/logging';
import { DemoPageService } from '@parley/widget-host';
import { createApiApp } from './app.js';
import { startDatabase } from './database-runtime.js';
import { demoBanner, ensureDemoTenant } from './demo-tenant.js';

async function main(): Promise<void> {
  const config = configFromEnvironmentOrExit(process.env);
  const logger = createLogger(config);
  const database = await startDatabase(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'could not start the database');
    process.exit(1);
  });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app?.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    await database
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'error while stopping Postgres'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let app: Awaited<ReturnType<typeof createApiApp>> | undefined;
  try {
    app = await createApiApp(database.config, logger);
    await app.listen(config.port, config.host);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    await database.stop().catch(() => undefined);
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const baseUrl = config.publicUrl ?? `http://localhost:${port}`;
  logger.info({ port, embeddedDatabase: database.embedded }, 'listening');
  if (database.embedded) {
    const demo = await ensureDemoTenant(app, { ...database.config, port });
    if (demo) {
      app.get(DemoPageService).enable(demo);
      process.stdout.write(demoBanner(demo, baseUrl) + '\n');
    }
  }
}

void main();
