import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../support/environment.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const run = promisify(execFile);

/** The operator CLI, as built (`npm test` builds first), against the same database as a server. */
describe('operator CLI', () => {
  let database: TestDatabase;
  let app: TestApp;
  const env = () => ({
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    PARLEY_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'error',
  });
  const cli = (...args: string[]) =>
    run(process.execPath, ['dist/apps/api/src/cli.js', ...args], { env: env() });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('creates a tenant whose keys the server accepts, lists it and rotates its key', async () => {
    const created = JSON.parse(
      (await cli('tenant', 'create', '--name', 'Cli Co', '--origin', 'https://cli.test')).stdout,
    );
    expect(created).toMatchObject({
      name: 'Cli Co',
      publishableKey: expect.stringMatching(/^pk_/),
      secretKey: expect.stringMatching(/^sk_/),
    });
    const tenant = await app.request('GET', '/v1/tenant', {
      headers: { authorization: `Bearer ${created.secretKey}` },
    });
    expect(tenant.body.settings.allowedOrigins).toEqual(['https://cli.test']);

    const listed = JSON.parse((await cli('tenant', 'list')).stdout);
    expect(listed.map((t: { id: string }) => t.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.secretKey);

    const rotated = JSON.parse((await cli('tenant', 'rotate-key', '--id', created.id)).stdout);
    expect(rotated.secretKey).toMatch(/^sk_/);
    expect(
      (await app.request('GET', '/v1/tenant', { headers: { authorization: `Bearer ${rotated.secretKey}` } }))
        .status,
    ).toBe(200);
  });

  it('shows the configuration with secrets masked, and usage on a bad command', async () => {
    const shown = JSON.parse((await cli('config')).stdout);
    expect(shown.masterKey).not.toContain(TEST_MASTER_KEY);
    expect(shown.databaseUrl).toContain('parley_test_');
    await expect(cli('tenant', 'explode')).rejects.toMatchObject({
      code: 2,
      stdout: expect.stringContaining('Parley operator CLI'),
    });
    await expect(cli('tenant', 'create')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--name'),
    });
  });
});
