import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const EXAMPLE = fileURLToPath(new URL('../../sdk-js/examples/quickstart.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../sdk-js/dist/index.js', import.meta.url));

describe('SDK README example', () => {
  let app: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
  });
  afterAll(() => app?.close());

  it('runs as written, with the published package (sdk-js/dist)', async () => {
    expect(existsSync(BUILT), 'build first: npm run build').toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE], {
      env: {
        ...process.env,
        PARLEY_URL: app.baseUrl,
        PARLEY_PUBLISHABLE_KEY: tenant.publishableKey,
        PARLEY_SECRET_KEY: tenant.secretKey,
      },
      timeout: 20_000,
    });
    expect(stdout.trim().split('\n')).toEqual([
      'alice is connecting',
      'alice is online',
      'alice sees her message as: sending',
      expect.stringMatching(/^stored as seq \d+$/),
      'bob got: Hi Bob!',
      'alice sees: read, reactions {"👋":{"count":1,"me":false}}',
      'alice is disconnected',
    ]);
  }, 30_000);
});
