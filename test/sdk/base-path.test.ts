import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/sdk';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, newClient } from './support.js';

const PREFIX = '/chat';

/** A reverse proxy serving the API under `/chat` (as nginx might), websocket upgrades included. */
async function prefixProxy(target: URL): Promise<{ url: string; close(): Promise<void> }> {
  const strip = (url = '/') => (url.startsWith(PREFIX + '/') ? url.slice(PREFIX.length) : null);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = strip(req.url);
    if (path === null) return void res.writeHead(404).end();
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const path = strip(req.url);
    if (path === null) return void client.destroy();
    const upstream = tcpConnect(Number(target.port), target.hostname, () => {
      const headers = Object.entries(req.headers).map(
        ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`,
      );
      upstream.write(`${req.method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${PREFIX}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('SDK: Parley served under a path', () => {
  let app: TestApp;
  let tenant: TestTenant;
  let proxy: Awaited<ReturnType<typeof prefixProxy>>;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
    proxy = await prefixProxy(new URL(app.baseUrl));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await proxy?.close();
    await app?.close();
  });

  it('reaches REST and the socket through a base URL with a path', async () => {
    for (const id of ['uma', 'vic']) await upsertUser(tenant.server(), id);
    const uma = newClient(proxy.url, tenant);
    const vic = newClient(proxy.url + '/', tenant); // a trailing slash too
    clients.push(uma, vic);
    await uma.connect(() => tenant.token('uma'));
    await vic.connect(() => tenant.token('vic'));
    const umaChat = await uma.chats.openDirect('vic');
    const vicChat = await vic.chats.open(umaChat.id);
    await umaChat.send('through /chat');
    await eventually(() => expect(vicChat.getState().messages.map((m) => m.text)).toEqual(['through /chat']));
  });
});
