import { join } from 'node:path';
import type { Config } from '@parley/config';
import { DiskStorage } from './disk-storage.js';
import type { FileStorage } from './file-storage.js';
import { S3Storage } from './s3-storage.js';

/** S3 when a bucket is configured, otherwise local disk under `PARLEY_DATA_DIR/uploads`. */
export function createFileStorage(config: Config): FileStorage {
  return config.s3 ? S3Storage.fromConfig(config.s3) : new DiskStorage(join(config.dataDir, 'uploads'));
}

/** Uploads are spooled here (on disk, whatever the storage) while they arrive and are checked. */
export const spoolDirOf = (config: Config): string => join(config.dataDir, 'spool');

/** What download URLs start with. */
export const publicBaseUrl = (config: Config): string =>
  (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
