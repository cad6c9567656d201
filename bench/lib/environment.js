import { execFileSync } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { measureMachineSpeed } from './machine-speed.js';
import { QUICK } from './options.js';
import { ADMIN_DATABASE_URL, REDIS_URL } from './server.js';

const git = (...args) => {
  try {
    return execFileSync('git', args, {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
};

/** What was measured and on what: the first line of every run, to read the others by. */
export async function describeEnvironment() {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  let postgres;
  try {
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
              current_setting('synchronous_commit') AS synchronous_commit`,
    );
    postgres = rows[0];
  } finally {
    await client.end();
  }
  const dirty = git('status', '--porcelain', '--', 'apps', 'libs');
  return {
    scenario: 'environment',
    commit: git('rev-parse', '--short', 'HEAD'),
    // Server sources that differ from the commit: the numbers then describe the working tree.
    uncommittedServerFiles: dirty === null ? null : dirty.split('\n').filter(Boolean).length,
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    postgres,
    redis: REDIS_URL !== '',
    quick: QUICK,
    machineSpeed: await measureMachineSpeed(),
    startedAt: new Date().toISOString(),
  };
}

/** The last line of every run: the machine's speed again, since it can drift within a sitting. */
export async function describeEnvironmentAtEnd() {
  return {
    scenario: 'environment-end',
    machineSpeed: await measureMachineSpeed(),
    finishedAt: new Date().toISOString(),
  };
}
