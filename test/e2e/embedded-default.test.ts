import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from '../support/http.js';

/**
 * `npm start` with nothing configured: the built server (`npm test` builds first) on an embedded
 * Postgres whose data lives in the data dir and survives a restart.
 */
describe('the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
  // Postgres runs as the OS user `postgres` when the tests run as root; it must reach the data dir.
  chmodSync(dataDir, 0o755);
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<{ publishableKey: string; secretKey: string }> {
    child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        PARLEY_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/secret key\s+sk_/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      publishableKey: /publishable key\s+(pk_\S+)/.exec(output)![1]!,
      secretKey: /secret key\s+(sk_\S+)/.exec(output)![1]!,
    };
  }

  async function stop(): Promise<number | null> {
    child!.kill('SIGTERM');
    return exited(child!);
  }

  it('starts on an empty data dir, prints demo keys, and keeps data across a restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(port);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const sk = { authorization: `Bearer ${first.secretKey}` };
    expect((await request(base, 'GET', '/readyz')).body.checks).toEqual({
      database: 'up',
      migrations: 'applied',
      redis: 'disabled',
    });
    expect(
      (await request(base, 'PUT', '/v1/users/alice', { headers: sk, body: { name: 'Alice' } })).status,
    ).toBe(201);
    const chat = await request(base, 'POST', '/v1/chats', {
      headers: sk,
      body: { kind: 'group', title: 'Kept', members: ['alice'] },
    });
    const sent = await request(base, 'POST', `/v1/chats/${chat.body.id}/messages`, {
      headers: { ...sk, 'x-on-behalf-of': 'alice' },
      body: { clientId: 'c1', text: 'survives restarts' },
    });
    expect(sent.status).toBe(201);
    // The demo tenant lets the server's own pages call it from the browser.
    const token = (await request(base, 'POST', '/v1/users/alice/tokens', { headers: sk, body: {} })).body
      .token;
    const fromPage = await request(base, 'GET', '/v1/chats', {
      headers: {
        'x-api-key': first.publishableKey,
        authorization: `Bearer ${token}`,
        origin: `http://localhost:${port}`,
      },
    });
    expect(fromPage.status).toBe(200);

    expect(await stop()).toBe(0);
    // A clean stop leaves no Postgres behind.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await start(port);
    expect(second).toEqual(first);
    const history = await request(base, 'GET', `/v1/chats/${chat.body.id}/messages`, { headers: sk });
    expect(history.body.data.map((m: { text: string }) => m.text)).toEqual(['survives restarts']);
    expect(await stop()).toBe(0);
  }, 120_000);
});

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
