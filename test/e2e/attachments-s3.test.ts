import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeS3 } from '../support/fake-s3.js';
import { startTestApp } from '../support/test-app.js';
import { attachmentsContract } from './attachments-suite.js';

// S3_*: files in a bucket of an S3-compatible store, here s3rver on loopback (no S3 can be reached
// from the build machine). Uploads are still spooled under PARLEY_DATA_DIR.
attachmentsContract('S3 (s3rver)', async () => {
  const s3 = await startFakeS3();
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-spool-'));
  const app = await startTestApp({ env: { PARLEY_RATE_LIMITS: 'off', PARLEY_DATA_DIR: dataDir, ...s3.env } });
  return {
    app,
    stop: async () => {
      await app.close();
      await s3.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
