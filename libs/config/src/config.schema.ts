import { z } from 'zod';

const onOff = z.enum(['on', 'off']);
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' });
const masterKey = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]{43}=?$|^[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hex characters or base64');

/**
 * Every environment variable Parley reads. The README's configuration table is checked against this
 * schema (`test/e2e/readme-config.test.ts`), so a variable added here must be documented there.
 */
export const ENV_SCHEMA = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
  PARLEY_DATA_DIR: z
    .string()
    .min(1)
    .default('./.parley')
    .describe('Where the embedded default keeps Postgres data, the master key and demo keys'),
  PARLEY_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .describe('Enables the operator API (`POST /v1/tenants`) for `Authorization: Bearer <token>`'),
  PARLEY_MASTER_KEY: masterKey
    .optional()
    .describe(
      '32-byte key that encrypts tenant secrets at rest; required with DATABASE_URL, generated into the data dir otherwise',
    ),
  DATABASE_URL: postgresUrl
    .optional()
    .describe('Postgres 15+; unset runs an embedded Postgres under PARLEY_DATA_DIR'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(20)
    .describe('Connections per API process'),
  REDIS_URL: redisUrl
    .optional()
    .describe('Redis 6+; counts rate limits (and, later, queues and fan-out) across nodes'),
  ELASTICSEARCH_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .optional()
    .describe(
      'Elasticsearch 8/9 for search (credentials in the URL); unset searches with Postgres full-text search',
    ),
  PUBLIC_URL: z.url().optional().describe('The URL clients reach this server at, used in links it generates'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .optional()
    .describe('`json` lines, or `pretty` for people; default: pretty on a terminal, json otherwise'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  PARLEY_WORKERS: z
    .enum(['inline', 'off'])
    .default('inline')
    .describe(
      '`inline` runs the queue processors in each API process; `off` leaves them to `apps/worker` (needs REDIS_URL)',
    ),
  PARLEY_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('parley')
    .describe(
      'Redis key prefix of the queues and presence; deployments sharing one Redis each need their own',
    ),
  PARLEY_ALLOW_PRIVATE_URLS: onOff
    .default('off')
    .describe(
      '`on` lets webhook and Web Push URLs reach loopback, link-local and private addresses (development, tests)',
    ),
  PARLEY_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL')
    .default('mailto:admin@localhost')
    .describe('Contact that Web Push services may use about this server (VAPID `sub`)'),
  PARLEY_TRUST_PROXY: z
    .string()
    .regex(
      /^[A-Za-z0-9.:/, ]{1,500}$/,
      'must be a hop count or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal',
    )
    .optional()
    .describe(
      'Proxies whose X-Forwarded-For is believed (Express `trust proxy`: a hop count, or addresses and subnets); unset trusts none, so client addresses are the TCP peer',
    ),
  PARLEY_RATE_LIMITS: onOff
    .default('on')
    .describe('`off` disables request and send rate limits (load tests, benchmarks)'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional()
    .describe(
      'Stores uploaded files in this bucket of an S3-compatible store; unset keeps them on local disk',
    ),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .optional()
    .describe('URL of the S3-compatible store (MinIO, R2, …), addressed path-style; unset means AWS S3'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('Region of the bucket'),
  S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe('S3 credentials; unset uses the AWS SDK default chain'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe('Secret of S3_ACCESS_KEY_ID'),
});

export type Env = z.infer<typeof ENV_SCHEMA>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminToken: string | null;
  masterKey: string | null;
  /** Null means: start the embedded Postgres. */
  databaseUrl: string | null;
  databasePoolSize: number;
  redisUrl: string | null;
  /** Null means: search with Postgres full-text search. */
  elasticsearchUrl: string | null;
  publicUrl: string | null;
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  rateLimits: boolean;
  /** Express `trust proxy`: which proxies may name the client address; null trusts none. */
  trustProxy: number | string | null;
  /** Where queue processors run: in the API process, or only in `apps/worker`. */
  workers: 'inline' | 'off';
  queuePrefix: string;
  /** Webhooks and push endpoints may reach private networks (never in production). */
  allowPrivateUrls: boolean;
  vapidSubject: string;
  /** Null means: uploaded files live on local disk under `dataDir`/uploads. */
  s3: S3Config | null;
}

export interface S3Config {
  bucket: string;
  /** Null means AWS S3 itself (virtual-hosted addressing); otherwise path-style requests to this URL. */
  endpoint: string | null;
  region: string;
  /** Null means the AWS SDK's default credential chain (an instance role, …). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

export class ConfigError extends Error {}

/** For process entry points: the configuration, or one line on stderr and exit code 2. */
export function configFromEnvironmentOrExit(env: Record<string, string | undefined>): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** Parses the environment once; the first bad variable becomes one line naming it. */

export function parseConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(ENV_SCHEMA.shape).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const result = ENV_SCHEMA.safeParse(known);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = result.data;
  if (e.DATABASE_URL && !e.PARLEY_MASTER_KEY) {
    throw new ConfigError(
      'Invalid configuration: PARLEY_MASTER_KEY is required when DATABASE_URL is set (every node must share it)',
    );
  }
  if (e.PARLEY_WORKERS === 'off' && !e.REDIS_URL) {
    throw new ConfigError(
      'Invalid configuration: PARLEY_WORKERS=off needs REDIS_URL (the worker process takes jobs from Redis)',
    );
  }
  if ((e.S3_ENDPOINT || e.S3_ACCESS_KEY_ID || e.S3_SECRET_ACCESS_KEY) && !e.S3_BUCKET) {
    throw new ConfigError('Invalid configuration: S3_BUCKET is required when any other S3_ variable is set');
  }
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.PARLEY_DATA_DIR,
    adminToken: e.PARLEY_ADMIN_TOKEN ?? null,
    masterKey: e.PARLEY_MASTER_KEY ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL ?? null,
    elasticsearchUrl: e.ELASTICSEARCH_URL ?? null,
    publicUrl: e.PUBLIC_URL ?? null,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),

    rateLimits: e.PARLEY_RATE_LIMITS === 'on',
    trustProxy: trustProxyFrom(e.PARLEY_TRUST_PROXY),
    workers: e.PARLEY_WORKERS,
    queuePrefix: e.PARLEY_QUEUE_PREFIX,
    allowPrivateUrls: e.PARLEY_ALLOW_PRIVATE_URLS === 'on',
    vapidSubject: e.PARLEY_VAPID_SUBJECT,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT ?? null,
          region: e.S3_REGION,
          credentials:
            e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
              : null,
        }
      : null,
  };
}

function trustProxyFrom(value: string | undefined): number | string | null {
  if (value === undefined) return null;
  return /^\d+$/.test(value) ? Number(value) : value;
}
