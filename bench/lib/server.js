import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Where the benchmarks find Postgres and Redis; the same defaults as the tests. */
export const ADMIN_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** `BENCH_REDIS_URL=off` runs the API without Redis (in-memory socket adapter and rate counters). */
const REDIS_SETTING = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REDIS_URL = REDIS_SETTING === 'off' ? '' : REDIS_SETTING;

const MAIN = fileURLToPath(new URL('../../dist/apps/api/src/main.js', import.meta.url));
const POOL_SIZE = process.env.BENCH_POOL_SIZE ?? '20';
/** The node flags `npm start` and the image run the API with (a larger young generation). */
const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=64'];
/**
 * `BENCH_CPU_PROF=1`: each server process (the API, or a reference server) writes a V8 CPU profile to
 * `BENCH_CPU_PROF_DIR` (default /tmp/parley-bench-prof) when it stops; `node bench/profile-summary.js
 * <file>` ranks its hot spots.
 */
export const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ?? '/tmp/parley-bench-prof';
const PROFILING = process.env.BENCH_CPU_PROF === '1';
const PROFILE_ARGS = PROFILING ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
/** Extra node flags for the API, e.g. `BENCH_SERVER_NODE_ARGS="--single-threaded-gc"`. */
const NODE_ARGS = [
  ...PRODUCTION_NODE_ARGS,
  ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ...PROFILE_ARGS,
];
const MEMORY_PROBE = fileURLToPath(new URL('./memory-probe.js', import.meta.url));
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Cleanups of whatever is running now, so that Ctrl-C still stops the API and drops its database. */
const running = new Set();
export async function cleanupAll() {
  await Promise.allSettled([...running].map((stop) => stop()));
}

async function withAdmin(work) {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (every core, every process), from /proc/stat. */
function machineBusySeconds() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = ticks[3] + ticks[4];
    return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / CLK_TCK;
  } catch {
    return null;
  }
}

function rssMB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The API as a child process (`node dist/apps/api/src/main.js`) on a fresh database and a free loopback
 * port, so that the load generator does not share its event loop. `stop()` ends it and drops the database.
 * `memoryProbe: true` preloads bench/lib/memory-probe.js (with `--expose-gc`), for `probeMemory()`.
 */
export async function startServer({ memoryProbe = false } = {}) {
  const adminToken = `bench-operator-${randomBytes(16).toString('hex')}`;
  let memoryFile = null;
  const child = await startChild('the API', ({ dbName, databaseUrl, port }) => {
    memoryFile = memoryProbe ? `/tmp/${dbName}-memory.json` : null;
    const probeArgs = memoryProbe ? ['--expose-gc', '--import', MEMORY_PROBE] : [];
    return {
      args: [...NODE_ARGS, ...probeArgs, MAIN],
      env: {
        ...(memoryFile ? { BENCH_MEMORY_FILE: memoryFile } : {}),
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: POOL_SIZE,
        REDIS_URL,
        PARLEY_MASTER_KEY: randomBytes(32).toString('hex'),
        PARLEY_ADMIN_TOKEN: adminToken,
        PARLEY_RATE_LIMITS: 'off',
        // Each API under test takes its own queues: two benchmarks on one Redis never share jobs.
        PARLEY_QUEUE_PREFIX: `bench-${dbName}`,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'production',
      },
    };
  });
  return {
    ...child,
    adminToken,
    redis: REDIS_URL !== '',
    queuePrefix: `bench-${child.dbName}`,
    poolSize: Number(POOL_SIZE),
    /** With `memoryProbe`: a full GC in the API, then its `process.memoryUsage()` (bytes). */
    probeMemory: memoryFile ? () => probeMemory(child.pid, memoryFile) : null,
  };
}

const REFERENCE_SERVER = fileURLToPath(new URL('./reference-server.js', import.meta.url));

/** bench/lib/reference-server.js (`mode` relay or insert) as a child process, like `startServer`. */
export function startReferenceServer({ mode }) {
  return startChild(`the ${mode} reference server`, ({ databaseUrl, port }) => ({
    args: [...PRODUCTION_NODE_ARGS, ...PROFILE_ARGS, REFERENCE_SERVER],
    env: {
      REFERENCE_MODE: mode,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: POOL_SIZE,
    },
  }));
}

/**
 * A node process under test on a fresh database (`parley_bench_<random>`) and a free loopback port,
 * ready once its `GET /readyz` answers 200. `launch` answers its node arguments and environment.
 * `stop()` ends it and drops the database, also when a signal stops the benchmark (`cleanupAll`).
 */
async function startChild(what, launch) {
  const dbName = `parley_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${dbName}`));
  const databaseUrl = Object.assign(new URL(ADMIN_DATABASE_URL), { pathname: `/${dbName}` }).toString();
  const port = await freePort();
  const { args, env } = launch({ dbName, databaseUrl, port });
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  // Every caller of stop() (the scenario, a signal) waits for the same end: the database dropped.
  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      running.delete(stop);
    })());
  running.add(stop);

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      what,
      baseUrl,
      () => exited,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    baseUrl,
    pid: child.pid,
    dbName,
    databaseUrl,
    /** Starts measuring the process's and its Postgres backends' CPU, and its peak RSS. */
    monitor: () => startMonitor(child.pid, dbName, () => exited && { ...exited, output: output.slice(-500) }),
    stop,
  };
}

async function probeMemory(pid, file) {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error('the API did not answer the memory probe within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  return usage;
}

async function waitUntilReady(what, baseUrl, exited, output) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) throw new Error(`${what} exited during boot (${JSON.stringify(exited())}): ${output()}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} was not ready after 60 s: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function backendPids(dbName) {
  const { rows } = await withAdmin((client) =>
    client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]),
  );
  return rows.map((row) => row.pid);
}

/** Transactions committed in the database so far (Postgres reports them about once a second). */
async function commits(dbName) {
  const { rows } = await withAdmin((client) =>
    client.query('SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = $1', [dbName]),
  );
  return rows[0]?.n ?? 0;
}

async function backendCpu(dbName) {
  const usage = new Map();
  for (const pid of await backendPids(dbName)) {
    const seconds = cpuSeconds(pid);
    if (seconds !== null) usage.set(pid, seconds);
  }
  return usage;
}

/**
 * CPU is in percent of one core over the window (2 cores = up to 200). Postgres CPU sums the backends
 * connected to this benchmark's database; backends that appear during the window count from zero.
 * `machine` is every process together (Redis, the WAL writer, the kernel, anything else running).
 */
async function startMonitor(pid, dbName, exitStatus) {
  const startedAt = performance.now();
  // Monotonic microseconds, the clock of V8's CPU profiles: `profile-summary.js --window from,to`.
  const startedUs = process.hrtime.bigint() / 1000n;
  const serverStart = cpuSeconds(pid);
  const clientStart = process.cpuUsage();
  const machineStart = machineBusySeconds();
  const dbStart = await backendCpu(dbName);
  const commitsStart = await commits(dbName);
  let peakRss = rssMB(pid) ?? 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMB(pid) ?? 0);
  }, 250);
  return {
    async finish() {
      clearInterval(sampler);
      const seconds = (performance.now() - startedAt) / 1000;
      const rss = rssMB(pid);
      peakRss = Math.max(peakRss, rss ?? 0);
      const dbEnd = await backendCpu(dbName);
      // Reported late by up to a second: a rough rate, good for "transactions per message".
      const committed = (await commits(dbName)) - commitsStart;
      let dbSeconds = 0;
      for (const [backend, end] of dbEnd) dbSeconds += end - (dbStart.get(backend) ?? 0);
      const client = process.cpuUsage(clientStart);
      const pct = (used) => Math.round((used / seconds) * 1000) / 10;
      // An API that died mid-run leaves its exit status and last output in the result.
      const died = exitStatus();
      return {
        ...(died ? { serverExited: died } : {}),
        ...(PROFILING ? { profileWindowUs: `${startedUs},${process.hrtime.bigint() / 1000n}` } : {}),
        server: {
          cpuPct: pct((cpuSeconds(pid) ?? serverStart) - serverStart),
          rssMB: rss === null ? null : Math.round(rss),
          peakRssMB: Math.round(peakRss),
        },
        postgres: {
          cpuPct: pct(dbSeconds),
          backends: dbEnd.size,
          commitsPerSec: Math.round(committed / seconds),
        },
        loadGenerator: { cpuPct: pct((client.user + client.system) / 1e6) },
        machine: { cpuPct: pct(machineBusySeconds() - machineStart), cores: os.availableParallelism() },
      };
    },
  };
}
