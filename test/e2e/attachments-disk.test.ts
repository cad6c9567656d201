import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from '../support/test-app.js';
import { attachmentsContract } from './attachments-suite.js';

// The embedded default: files on local disk under PARLEY_DATA_DIR/uploads (here a temporary dir).
attachmentsContract('local disk', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-files-'));
  const app = await startTestApp({ env: { PARLEY_RATE_LIMITS: 'off', PARLEY_DATA_DIR: dataDir } });
  return {
    app,
    stop: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
