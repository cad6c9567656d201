import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnApi, type ApiProcess } from '../support/api-process.js';
import { request } from '../support/http.js';

/**
 * `npm start` with nothing configured: the built server on an embedded Postgres whose data lives in
 * the data dir and survives a restart.
 */
describe('the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
  // Postgres runs as the OS user `postgres` when the tests run as root; it must reach the data dir.
  chmodSync(dataDir, 0o755);
  let api: ApiProcess | undefined;

  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<{ publishableKey: string; secretKey: string }> {
    api = await spawnApi(
      { PORT: String(port), PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      /secret key\s+sk_/,
    );
    const output = api.output();
    return {
      publishableKey: /publishable key\s+(pk_\S+)/.exec(output)![1]!,
      secretKey: /secret key\s+(sk_\S+)/.exec(output)![1]!,
    };
  }

  const stop = (): Promise<number | null> => api!.stop();
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
    // The demo page: the widget, and Alice and Bob signed in with this start's demo keys.
    const demoPage = await fetch(`${base}/`);
    expect(demoPage.status).toBe(200);
    expect(demoPage.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await demoPage.text();
    expect(html).toContain('<script type="module" src="/widget.js"></script>');
    expect(html).toContain(`api-key="${first.publishableKey}"`);
    expect(api!.output()).toContain(`Demo page        http://localhost:${port}/`);
    const script = await fetch(`${base}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    expect(await stop()).toBe(0);
    // A clean stop leaves no Postgres behind.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // Restarted on another port: the same keys and data, and the demo tenant allows the new origin.
    const port2 = await freePort();
    const base2 = `http://127.0.0.1:${port2}`;
    const second = await start(port2);
    expect(second).toEqual(first);
    const history = await request(base2, 'GET', `/v1/chats/${chat.body.id}/messages`, { headers: sk });
    expect(history.body.data.map((m: { text: string }) => m.text)).toEqual(['survives restarts']);
    const token2 = (await request(base2, 'POST', '/v1/users/alice/tokens', { headers: sk, body: {} })).body
      .token;
    const fromNewPage = await request(base2, 'GET', '/v1/chats', {
      headers: {
        'x-api-key': first.publishableKey,
        authorization: `Bearer ${token2}`,
        origin: `http://localhost:${port2}`,
      },
    });
    expect(fromNewPage.status).toBe(200);
    expect((await fetch(`${base2}/`)).status).toBe(200);
    expect(await stop()).toBe(0);
  }, 120_000);
});
