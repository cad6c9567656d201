import pg from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

// Seqs, versions and counts are bigint columns; they stay far below 2^53, so numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** How long a pooled connection serves before it is replaced; see CONNECTION_LIFETIME_S. */
  connectionLifetimeSeconds?: number;
}

/**
 * A connection keeps the plans of the prepared statements it ran (the message write batch, the chat
 * access lookups), made for the tables as they were then: a plan made while `chats` held a few rows
 * scans them all, and goes on doing so after a bulk import of a million. Postgres replaces such a
 * plan only when ANALYZE runs. Replacing each connection every ten minutes bounds how old a plan can
 * be, for a reconnect per connection per ten minutes.
 */
const CONNECTION_LIFETIME_S = 600;

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: options.poolSize,
      application_name: 'parley',
      connectionTimeoutMillis: 5_000,
      maxLifetimeSeconds: options.connectionLifetimeSeconds ?? CONNECTION_LIFETIME_S,
    },
  });
}

// Any constant works; it only has to be the same on every node.
const MIGRATION_LOCK_KEY = 0x7061726c;

/**
 * Connects and applies pending migrations. Nodes that start together take turns through an advisory
 * lock, so each migration runs once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  // The lock lives on its own connection, outside the pool, so that a pool of one can still migrate.
  const lock = new pg.Client({ connectionString: options.url });
  await lock.connect();
  const dataSource = createDataSource(options);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  } finally {
    // Closing the session releases the advisory lock with it.
    await lock.end();
  }
  return dataSource;
}

/** Names of migrations the code has but the database has not applied. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = new Set(
    (await dataSource.query<{ name: string }[]>('SELECT name FROM migrations')).map((r) => r.name),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
}
