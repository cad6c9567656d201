import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.schema.js';

describe('parseConfig', () => {
  it('gives the embedded default when nothing is set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: null,
      redisUrl: null,
      rateLimits: true,
      dataDir: './.parley',
    });
  });

  it('names the variable that is malformed', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT /);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
    expect(() => parseConfig({ PARLEY_RATE_LIMITS: 'maybe' })).toThrow(/PARLEY_RATE_LIMITS/);
  });

  it('requires a shared master key once the database is external', () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgres://localhost/x' })).toThrow(
      /PARLEY_MASTER_KEY is required/,
    );
    const key = 'a'.repeat(64);
    expect(parseConfig({ DATABASE_URL: 'postgres://localhost/x', PARLEY_MASTER_KEY: key }).masterKey).toBe(
      key,
    );
  });

  it('runs queue processors in the API unless told they run in apps/worker, which needs Redis', () => {
    expect(parseConfig({}).workers).toBe('inline');
    expect(() => parseConfig({ PARLEY_WORKERS: 'off' })).toThrow(/PARLEY_WORKERS=off needs REDIS_URL/);
    expect(parseConfig({ PARLEY_WORKERS: 'off', REDIS_URL: 'redis://localhost' }).workers).toBe('off');
    expect(() => parseConfig({ PARLEY_QUEUE_PREFIX: 'a:b' })).toThrow(/PARLEY_QUEUE_PREFIX/);
  });

  it('stores files on local disk unless an S3 bucket is named, with both credentials or neither', () => {
    expect(parseConfig({}).s3).toBeNull();
    expect(
      parseConfig({
        S3_BUCKET: 'files',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }).s3,
    ).toEqual({
      bucket: 'files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(parseConfig({ S3_BUCKET: 'files' }).s3).toMatchObject({ endpoint: null, credentials: null });
    expect(() => parseConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_BUCKET is required/);
    expect(() => parseConfig({ S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'id' })).toThrow(/set together/);
    expect(() => parseConfig({ S3_BUCKET: 'No_Such' })).toThrow(/S3_BUCKET must be an S3 bucket name/);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ REDIS_URL: '' }).redisUrl).toBeNull();
  });
});
