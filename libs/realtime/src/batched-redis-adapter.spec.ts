import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../../test/support/environment.js';
import { createBatchedAdapter } from './batched-redis-adapter.js';

interface Node {
  server: Server;
  url: string;
}

/** Two socket.io servers ("nodes") on one Redis, each channel prefixed with a key of this test's own. */
describe('createBatchedAdapter', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const redis = (connectionName?: string): Redis => {
    const client = new Redis(REDIS_URL, { enableAutoPipelining: true, connectionName });
    cleanup.push(() => client.quit());
    return client;
  };

  /** A node; its subscriber's Redis connection is named `<key>-<name>`. */
  async function startNode(key: string, name: string, errors: Error[] = []): Promise<Node> {
    const http = createServer();
    const server = new Server(http, { transports: ['websocket'] });
    const subscriber = redis(`${key}-${name}`);
    server.adapter(createBatchedAdapter(redis(), subscriber, { key, onError: (e) => errors.push(e) }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      // As ParleyIoAdapter.dispose does: the unsubscribes of close() leave in the next tick's pipeline,
      // and a QUIT sent before them would fail them.
      await new Promise((resolve) => setImmediate(resolve));
    });
    // The adapter's subscriptions are in place once Redis has answered a command sent after them.
    await (server.of('/').adapter as unknown as { subClient: Redis }).subClient.ping();
    return { server, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  }

  async function client(node: Node, room: string): Promise<ClientSocket & { got: number[] }> {
    const joined = new Promise<void>((resolve) =>
      node.server.once('connection', (socket) => {
        void socket.join(room);
        resolve();
      }),
    );
    const socket = Object.assign(connect(node.url, { transports: ['websocket'], forceNew: true }), {
      got: [] as number[],
    });
    socket.on('n', (n: number) => socket.got.push(n));
    cleanup.push(() => void socket.close());
    await Promise.all([joined, new Promise((resolve) => socket.once('connect', () => resolve(undefined)))]);
    return socket;
  }

  /** Counts the messages published on the emits channels of `key`, as another Redis client sees them. */
  async function countEmitPublishes(key: string): Promise<{ count: number }> {
    const watcher = redis();
    const seen = { count: 0 };
    watcher.on('pmessageBuffer', () => (seen.count += 1));
    await watcher.psubscribe(`${key}-emits#*`);
    return seen;
  }

  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  /** Two nodes sharing a key of this test's own; `errors` collects the second node's. */
  async function twoNodes(errors: Error[] = []): Promise<{ prefix: string; a: Node; b: Node }> {
    const prefix = `test-batched-${randomBytes(6).toString('hex')}`;
    return { prefix, a: await startNode(prefix, 'a'), b: await startNode(prefix, 'b', errors) };
  }

  it('sends the room emits of one tick to the other node in one publish, all of them, in order, once', async () => {
    const { prefix, a, b } = await twoNodes();
    const [onA, onB] = [await client(a, 'room'), await client(b, 'room')];
    const publishes = await countEmitPublishes(prefix);

    for (let n = 0; n < 500; n += 1) a.server.to('room').emit('n', n);
    const all = Array.from({ length: 500 }, (_, n) => n);
    await until(() => onA.got.length >= 500 && onB.got.length >= 500, '500 emits on both nodes');
    // Time for a second copy or a stray publish to show.
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(onB.got).toEqual(all);
    expect(onA.got).toEqual(all);
    expect(publishes.count).toBe(1);
  });

  it('keeps except and rooms across nodes', async () => {
    const { a, b } = await twoNodes();
    const inRoom = await client(b, 'room');
    const elsewhere = await client(b, 'other');
    const excepted = await client(b, 'room');

    a.server.to('room').except(excepted.id!).emit('n', 1);
    await until(() => inRoom.got.length === 1, 'the emit on node b');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(inRoom.got).toEqual([1]);
    expect(excepted.got).toEqual([]);
    expect(elsewhere.got).toEqual([]);
  });

  it('delivers an emit made just before a remote leave, and none made just after it', async () => {
    const { a, b } = await twoNodes();
    const onB = await client(b, 'room');

    // One tick: the leave is a request between nodes, published at once; the emits are queued.
    a.server.to('room').emit('n', 1);
    a.server.in('room').socketsLeave('room');
    a.server.to('room').emit('n', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(onB.got).toEqual([1]);
  });

  it('delivers an emit made just after a remote join', async () => {
    const { a, b } = await twoNodes();
    const onB = await client(b, 'lobby');

    a.server.to('room').emit('n', 1);
    a.server.in('lobby').socketsJoin('room');
    a.server.to('room').emit('n', 2);
    await until(() => onB.got.length === 1, 'the emit after the join');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(onB.got).toEqual([2]);
  });

  it('hears the other node again after Redis cut its subscriber connection', async () => {
    const { prefix, a, b } = await twoNodes();
    const onB = await client(b, 'room');
    const subscriber = (b.server.of('/').adapter as unknown as { subClient: Redis }).subClient;
    const reconnected = new Promise((resolve) => subscriber.once('ready', resolve));
    const admin = redis();
    const clients = (await admin.client('LIST')) as string;
    const id = /id=(\d+) .*name=(\S+)/g;
    const subscriberId = [...clients.matchAll(id)].find(([, , name]) => name === `${prefix}-b`)?.[1];
    expect(subscriberId).toBeDefined();

    await admin.client('KILL', 'ID', subscriberId!);
    await reconnected;
    await subscriber.ping();
    a.server.to('room').emit('n', 1);
    await until(() => onB.got.length === 1, 'the emit after the reconnect');

    expect(onB.got).toEqual([1]);
  });

  it('stops hearing other nodes once closed', async () => {
    const errors: Error[] = [];
    const { a, b } = await twoNodes(errors);
    const onB = await client(b, 'room');
    b.server.of('/').adapter.close();
    await (b.server.of('/').adapter as unknown as { subClient: Redis }).subClient.ping();

    a.server.to('room').emit('n', 1);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(onB.got).toEqual([]);
    expect(errors).toEqual([]);
  });
});
