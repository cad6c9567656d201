import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './embedded-postgres.js';

/**
 * One Parley process owns an embedded data dir at a time. The pid file names the owner; a stale one
 * (its process gone) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'parley.pid');
  if (existsSync(file)) {
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && isAlive(owner) && isNode(owner)) {
      throw new Error(`Another Parley process (pid ${owner}) is using ${dataDir}; stop it first`);
    }
  }
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}

function isNode(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}
