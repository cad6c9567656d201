import type { Config } from '@parley/config';
import { lockDataDir, startEmbeddedPostgres } from '@parley/db';
import type { Logger } from '@parley/logging';

export interface DatabaseRuntime {
  /** The configuration with `databaseUrl` pointing at the database to use. */
  config: Config;
  embedded: boolean;
  stop(): Promise<void>;
}

/** `DATABASE_URL` as given, or the embedded Postgres under the data dir, started for this process. */
export async function startDatabase(config: Config, logger: Logger): Promise<DatabaseRuntime> {
  if (config.databaseUrl) return { config, embedded: false, stop: () => Promise.resolve() };
  const unlock = lockDataDir(config.dataDir);
  try {
    const postgres = await startEmbeddedPostgres(config.dataDir, (line) =>
      logger.debug({ component: 'postgres' }, line),
    );
    return {
      config: { ...config, databaseUrl: postgres.url },
      embedded: true,
      stop: async () => {
        await postgres.stop();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
