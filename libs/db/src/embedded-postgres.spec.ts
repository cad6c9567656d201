import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertReachableByOtherUsers } from './embedded-postgres.js';

describe('assertReachableByOtherUsers (the embedded Postgres run as root)', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tree = (mode: number): { top: string; data: string } => {
    const top = mkdtempSync(join(tmpdir(), 'parley-reach-'));
    made.push(top);
    const data = join(top, 'project', '.parley');
    mkdirSync(data, { recursive: true });
    chmodSync(top, mode);
    return { top, data };
  };

  it('names the directory the postgres user cannot enter, and what to do', () => {
    const { top, data } = tree(0o700);
    expect(() => assertReachableByOtherUsers([data])).toThrow(
      `that user cannot enter ${top}. Allow it (chmod o+x ${top})`,
    );
  });

  it('passes where every directory up to / lets other users through', () => {
    const { data } = tree(0o755);
    expect(() => assertReachableByOtherUsers([data])).not.toThrow();
  });
});
