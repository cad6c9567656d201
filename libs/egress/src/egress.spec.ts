import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from './address-policy.js';
import { Egress, EgressRefusedError, type Resolver } from './egress.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    'fe80::1',
    'fd00::1',
    'fc12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    '2001:db8::1',
    '2001:0:4136:e378::1',
    '::127.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses what is not an address', () => {
    expect(isPublicAddress('localhost')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });
});

describe('Egress', () => {
  let server: Server;
  let port: number;
  let connections: number;
  let requests: { url: string; headers: IncomingHttpHeaders; body: string }[];

  beforeEach(async () => {
    connections = 0;
    requests = [];
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push({ url: request.url!, headers: request.headers, body });
        response.writeHead(202).end('accepted');
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses loopback, private and metadata URLs without contacting them', async () => {
    const egress = new Egress({ allowPrivate: false });
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      `http://[::ffff:7f00:1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
    ]) {
      await expect(egress.post(url, {}, '{}'), url).rejects.toMatchObject({
        name: 'EgressRefusedError',
        reason: 'private_address',
      });
    }
    await expect(egress.check('ftp://example.com/')).rejects.toMatchObject({ reason: 'scheme' });
    await expect(egress.check('https://user:pw@example.com/')).rejects.toMatchObject({
      reason: 'credentials',
    });
    expect(connections).toBe(0);
    egress.close();
  });

  it('checks again at call time: a name that now resolves privately (rebinding) is refused unconnected', async () => {
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const resolve: Resolver = (host) => {
      expect(host).toBe('hooks.example.test');
      return Promise.resolve(answers.shift()!.map((address) => ({ address, family: 4 as const })));
    };
    const egress = new Egress({ allowPrivate: false, resolve });
    await expect(egress.check(`http://hooks.example.test:${port}/`)).resolves.toMatchObject({
      address: { address: '93.184.215.14' },
    });
    const refused = await egress
      .post(`http://hooks.example.test:${port}/`, {}, '{}')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EgressRefusedError);
    expect(connections).toBe(0);
    egress.close();
  });

  it('refuses a name when any of its addresses is private', async () => {
    const resolve: Resolver = () =>
      Promise.resolve([
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ]);
    const egress = new Egress({ allowPrivate: false, resolve });
    await expect(egress.check('https://mixed.example.test/')).rejects.toBeInstanceOf(EgressRefusedError);
    egress.close();
  });

  it('connects to the address it checked, resolving once, with the URL’s own Host header', async () => {
    let lookups = 0;
    const resolve: Resolver = () => {
      lookups += 1;
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    };
    const egress = new Egress({ allowPrivate: true, resolve });
    const reply = await egress.post(
      `http://receiver.test:${port}/hook?x=1`,
      { 'Content-Type': 'application/json' },
      '{"a":1}',
    );
    expect(reply).toMatchObject({ status: 202, body: 'accepted' });
    expect(lookups).toBe(1);
    expect(requests).toEqual([expect.objectContaining({ url: '/hook?x=1', body: '{"a":1}' })]);
    expect(requests[0]!.headers.host).toBe(`receiver.test:${port}`);
    egress.close();
  });
});
