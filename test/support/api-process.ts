import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { REDIS_URL, TEST_ADMIN_TOKEN, TEST_MASTER_KEY } from './environment.js';
import { dropQueueKeys, newQueuePrefix } from './queue-prefix.js';
import { createTestDatabase } from './test-database.js';

export interface ApiProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM (graceful) or SIGKILL (a crash); resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The built server (`npm test` builds first) as its own process, the way it runs in production.
 * Only the given variables are passed: nothing leaks in from the test's environment.
 */
export async function spawnApi(
  env: Record<string, string>,
  readyWhen: RegExp = /"msg":"listening"/,
): Promise<ApiProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!readyWhen.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API process did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
}

export interface Cluster {
  nodes: ApiProcess[];
  /** Kills whatever still runs and drops the shared database. */
  stop(): Promise<void>;
}

/** `count` API processes on one fresh database and the shared Redis, as a scaled-out install runs. */
export async function startCluster(count: number): Promise<Cluster> {
  const database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    PARLEY_MASTER_KEY: TEST_MASTER_KEY,
    PARLEY_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PARLEY_RATE_LIMITS: 'off',
    PARLEY_QUEUE_PREFIX: newQueuePrefix(),
  };
  const nodes = await Promise.all(Array.from({ length: count }, () => spawnApi(env)));
  return {
    nodes,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
      await dropQueueKeys(env.PARLEY_QUEUE_PREFIX);
      await database.drop();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
