/**
 * `npm run bench:attachments`: upload and download throughput of a 20 MB file, and the API's RSS while
 * 10 such uploads run at once, on local disk and on S3 (s3rver on loopback). One JSON line per
 * measurement on stdout, progress on stderr. The API runs as a child process (bench/lib/server.js),
 * built from this tree (`npm run build` first; the npm script does it).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { cleanupAll, startServer } from '../../../bench/lib/server.js';

const FILE_BYTES = 20 * 1024 * 1024;
const SEQUENTIAL = Number(process.env.BENCH_ATTACHMENT_ROUNDS ?? 5);
const PARALLEL = 10;
const PARALLEL_ROUNDS = 3;

const log = (line) => process.stderr.write(`[bench:attachments] ${line}\n`);
const emit = (result) => process.stdout.write(JSON.stringify(result) + '\n');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function rssMB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match[1]) / 1024;
}

/** RSS of `pid` sampled every 20 ms while `work` runs: its peak, and the work's result. */
async function watchRss(pid, work) {
  let peak = rssMB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMB(pid));
  }, 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssMB(pid)) };
  } finally {
    clearInterval(timer);
  }
}

async function json(baseUrl, method, path, headers, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A multipart upload streamed from a file on disk (the client holds no more than a chunk either). */
function upload(baseUrl, headers, chatId, path, size, name = 'clip.mp4', type = 'video/mp4') {
  const boundary = `bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n${chatId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL('/v1/uploads', baseUrl);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode !== 201) return reject(new Error(`upload: ${response.statusCode} ${text}`));
          resolve({ attachment: JSON.parse(text), seconds: (performance.now() - started) / 1000 });
        });
      },
    );
    request.on('error', reject);
    request.write(head);
    const file = createReadStream(path);
    file.on('error', reject);
    file.on('end', () => request.end(tail));
    file.pipe(request, { end: false });
  });
}

/** Downloads a signed URL, counting and discarding the bytes. */
async function download(baseUrl, url) {
  const { pathname, search } = new URL(url);
  const started = performance.now();
  const response = await fetch(baseUrl + pathname + search);
  if (response.status !== 200) throw new Error(`download: ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  return { bytes, seconds: (performance.now() - started) / 1000 };
}

async function scenario(storage) {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-files-'));
  let s3 = null;
  const env = { PARLEY_DATA_DIR: dataDir };
  if (storage === 's3') {
    const directory = join(dataDir, 's3rver');
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: 'bench', configs: [] }],
    });
    const { port } = await s3.run();
    Object.assign(env, {
      S3_BUCKET: 'bench',
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  }
  // bench/lib/server.js starts the API with this process's environment plus its own settings.
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const server = await startServer();
  process.env = saved;
  try {
    const tenant = await json(
      server.baseUrl,
      'POST',
      '/v1/tenants',
      { authorization: `Bearer ${server.adminToken}` },
      { name: 'bench' },
    );
    const backend = { authorization: `Bearer ${tenant.secretKey}` };
    await json(server.baseUrl, 'PUT', '/v1/users/u', backend, { name: 'u' });
    const chat = await json(server.baseUrl, 'POST', '/v1/chats', backend, {
      kind: 'group',
      title: 'files',
      members: ['u'],
    });
    const { token } = await json(server.baseUrl, 'POST', '/v1/users/u/tokens', backend, {
      expiresIn: 86_400,
    });
    const user = { 'x-api-key': tenant.publishableKey, authorization: `Bearer ${token}` };

    // A 20 MB MP4 (an ftyp box, then noise): sniffed as video/mp4, stored as it is.
    const path = join(dataDir, 'clip.mp4');
    const ftyp = Buffer.from('0000001c667479706973736f6d0000020069736f6d69736f326d703431', 'hex');
    writeFileSync(path, Buffer.concat([ftyp, randomBytes(FILE_BYTES - ftyp.length)]));

    await upload(server.baseUrl, user, chat.id, path, FILE_BYTES); // warm-up
    const idle = rssMB(server.pid);

    const uploads = [];
    const downloads = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const { attachment, seconds } = await upload(server.baseUrl, user, chat.id, path, FILE_BYTES);
      uploads.push(seconds);
      const got = await download(server.baseUrl, attachment.url);
      if (got.bytes !== FILE_BYTES) throw new Error(`downloaded ${got.bytes} bytes`);
      downloads.push(got.seconds);
    }
    const mb = FILE_BYTES / 1024 / 1024;
    emit({
      scenario: `attachments-${storage}-sequential`,
      fileMB: mb,
      rounds: SEQUENTIAL,
      uploadMBps: round(mb / median(uploads)),
      uploadMs: { median: round(median(uploads) * 1000, 0), max: round(Math.max(...uploads) * 1000, 0) },
      downloadMBps: round(mb / median(downloads)),
      downloadMs: {
        median: round(median(downloads) * 1000, 0),
        max: round(Math.max(...downloads) * 1000, 0),
      },
    });

    const rounds = [];
    for (let r = 0; r < PARALLEL_ROUNDS; r++) {
      const before = rssMB(server.pid);
      const started = performance.now();
      const { peak } = await watchRss(server.pid, () =>
        Promise.all(
          Array.from({ length: PARALLEL }, () => upload(server.baseUrl, user, chat.id, path, FILE_BYTES)),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      rounds.push({ before: round(before), peak: round(peak), after: round(rssMB(server.pid)), seconds });
    }
    emit({
      scenario: `attachments-${storage}-parallel`,
      parallel: PARALLEL,
      fileMB: mb,
      rounds: PARALLEL_ROUNDS,
      aggregateUploadMBps: round((PARALLEL * mb) / median(rounds.map((r) => r.seconds))),
      rssMB: {
        idleAfterWarmup: round(idle),
        perRound: rounds.map(({ before, peak, after }) => ({ before, peak, after })),
        peakAboveIdle: round(Math.max(...rounds.map((r) => r.peak)) - idle),
      },
      bytesInFlightMB: PARALLEL * mb,
    });

    if (storage === 'disk') {
      // A 12-megapixel photo: decoded, measured, thumbnailed and re-encoded without EXIF by sharp.
      const photoPath = join(dataDir, 'photo.jpg');
      const noise = randomBytes(400 * 300 * 3);
      await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
        .resize(4000, 3000, { kernel: 'nearest' })
        .jpeg({ quality: 90 })
        .withMetadata({ orientation: 1 })
        .toFile(photoPath);
      const photoBytes = statSync(photoPath).size;
      const photo = () =>
        upload(server.baseUrl, user, chat.id, photoPath, photoBytes, 'photo.jpg', 'image/jpeg');
      await photo();
      const times = [];
      for (let i = 0; i < SEQUENTIAL; i++) times.push((await photo()).seconds);
      const before = rssMB(server.pid);
      const started = performance.now();
      const { peak } = await watchRss(server.pid, () => Promise.all(Array.from({ length: PARALLEL }, photo)));
      emit({
        scenario: 'attachments-disk-photo',
        photo: { megapixels: 12, MB: round(photoBytes / 1024 / 1024) },
        uploadMs: { median: round(median(times) * 1000, 0), max: round(Math.max(...times) * 1000, 0) },
        parallel: PARALLEL,
        parallelSeconds: round((performance.now() - started) / 1000, 2),
        rssMB: { before: round(before), peak: round(peak), after: round(rssMB(server.pid)) },
      });
    }
  } finally {
    await server.stop();
    await s3?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
try {
  for (const storage of wanted.length > 0 ? wanted : ['disk', 's3']) {
    log(`${storage}…`);
    await scenario(storage);
  }
} finally {
  await cleanupAll();
}
