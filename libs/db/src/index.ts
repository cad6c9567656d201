export * from './tenant-id.js';
export * from './data-source.js';
export * from './entities/index.js';
export * from './pg-errors.js';
export * from './uuid7.js';
export * from './db.module.js';
export * from './embedded-postgres.js';
export * from './data-dir-lock.js';
