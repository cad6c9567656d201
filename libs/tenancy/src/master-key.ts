import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@parley/config';

const decode = (text: string): Buffer =>
  /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64url');

/**
 * `PARLEY_MASTER_KEY`, or in the embedded default a key generated once into the data dir: losing it
 * makes the stored tenant secrets unreadable, so it lives beside the database it protects.
 */
export function loadMasterKey(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return decode(config.masterKey);
  const file = join(config.dataDir, 'master.key');
  try {
    return decode(readFileSync(file, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** Injection token of the master key, loaded once per process (see TenancyModule). */
export const MASTER_KEY = Symbol('parley.master-key');

/**
 * A 32-byte key for one purpose (`parley/attachments/url-signing`, …), derived from the master key
 * with HKDF-SHA256: each purpose gets its own key, and none of them reveals the master key.
 */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, 32));
}
