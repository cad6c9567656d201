import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, ConfigModule, parseConfig, type Config } from '@parley/config';
import { DbModule, trustTenantId } from '@parley/db';
import { FanoutModule } from '@parley/fanout';
import { createLogger } from '@parley/logging';
import { QueueModule } from '@parley/queue';
import { RedisModule } from '@parley/redis';
import { SearchIndexer, SearchModule } from '@parley/search';
import { TenancyModule, TenantsService } from '@parley/tenancy';
import { startDatabase } from './database-runtime.js';

const USAGE = `Parley operator CLI

  npm run parley -- tenant create --name <name> [--origin <origin>]... [--guest-access]
  npm run parley -- tenant list
  npm run parley -- tenant rotate-key --id <tenantId>
  npm run parley -- migrate
  npm run parley -- reindex          # rebuild the Elasticsearch index from Postgres
  npm run parley -- config

Uses the same configuration as the server (DATABASE_URL, or the embedded Postgres under
PARLEY_DATA_DIR when the server is not running).`;

@Module({})
class CliModule {
  static forRoot(config: Config, command: string): DynamicModule {
    // Rebuilding writes to Elasticsearch directly; the queue is there for the indexer, which runs no jobs here.
    const search =
      command === 'reindex' ? [FanoutModule, QueueModule.forRoot({ processJobs: false }), SearchModule] : [];
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DbModule, RedisModule, TenancyModule, ...search],
    };
  }
}

/** The configuration as the server would see it, secrets masked. */
function describeConfig(config: Config): Record<string, unknown> {
  const mask = (value: string | null) => (value ? `${value.slice(0, 4)}…(${value.length} chars)` : null);
  const maskUrl = (value: string | null) =>
    value ? value.replace(/\/\/([^:@/]+):[^@]+@/, '//$1:***@') : null;
  return {
    ...config,
    adminToken: mask(config.adminToken),
    masterKey: mask(config.masterKey),
    databaseUrl: maskUrl(config.databaseUrl) ?? `embedded Postgres under ${config.dataDir}/postgres`,
    redisUrl: maskUrl(config.redisUrl),
    elasticsearchUrl: maskUrl(config.elasticsearchUrl),
    s3: config.s3 && {
      ...config.s3,
      credentials: config.s3.credentials && {
        accessKeyId: config.s3.credentials.accessKeyId,
        secretAccessKey: mask(config.s3.credentials.secretAccessKey),
      },
    },
  };
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'guest-access': { type: 'boolean' },
      id: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  const known = ['tenant create', 'tenant list', 'tenant rotate-key', 'migrate', 'reindex', 'config'];
  if (values.help || !known.includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = parseConfig(process.env);
  if (command === 'config') {
    console.log(JSON.stringify(describeConfig(config), null, 2));
    return 0;
  }
  if (command === 'reindex' && !config.elasticsearchUrl) {
    console.log(
      'ELASTICSEARCH_URL is not set: search runs on Postgres full-text search, which has no index to rebuild.',
    );
    return 0;
  }
  const logger = createLogger({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await startDatabase(config, logger);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(database.config, command), {
    logger: false,
  });
  try {
    const tenants = app.get(TenantsService);
    if (command === 'tenant create') {
      if (!values.name) throw new ConfigError('tenant create needs --name');
      const created = await tenants.create({
        name: values.name,
        allowedOrigins: values.origin ?? [],
        guestAccess: values['guest-access'] ?? false,
      });
      console.log(JSON.stringify(created, null, 2));
      console.error('The secret key is shown only this once: store it now.');
    } else if (command === 'tenant list') {
      console.log(JSON.stringify(await tenants.list(), null, 2));
    } else if (command === 'tenant rotate-key') {
      if (!values.id) throw new ConfigError('tenant rotate-key needs --id <tenantId>');
      console.log(JSON.stringify(await tenants.rotateSecretKey(trustTenantId(values.id)), null, 2));
      console.error('The old key stays valid until you revoke it (DELETE /v1/tenant/keys/:keyId).');
    } else if (command === 'reindex') {
      console.log(JSON.stringify(await app.get(SearchIndexer).reindex(), null, 2));
    } else {
      console.log('Migrations are applied.');
    }
    return 0;
  } finally {
    await app.close();
    await database.stop();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
