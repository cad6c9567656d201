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

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ REDIS_URL: '' }).redisUrl).toBeNull();
  });
});
