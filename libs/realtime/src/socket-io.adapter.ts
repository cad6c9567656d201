import type { Server as HttpServer } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { createBatchedAdapter } from './batched-redis-adapter.js';
import { coalesceWrites } from './write-coalescer.js';

/**
 * socket.io on the API's HTTP server; with `REDIS_URL`, the Redis adapter carries room emits and
 * joins between API nodes, so a member on node 1 hears a message sent on node 2.
 */
export class ParleyIoAdapter extends IoAdapter {
  private readonly redisLogger = new Logger('SocketAdapter');
  private readonly clients: Redis[] = [];

  constructor(
    appOrHttpServer: INestApplicationContext | HttpServer,
    private readonly redisUrl: string | null,
  ) {
    super(appOrHttpServer);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    coalesceWrites(server.engine);
    if (this.redisUrl && this.clients.length === 0) {
      // The room emits of a tick are one PUBLISH; the requests between nodes of a tick leave in one write.
      const publisher = new Redis(this.redisUrl, { enableAutoPipelining: true });
      const subscriber = publisher.duplicate();
      for (const client of [publisher, subscriber]) {
        client.on('error', (error: Error) =>
          this.redisLogger.warn(`Redis (socket adapter): ${error.message}`),
        );
        this.clients.push(client);
      }
      this.reportFailedPublishes(publisher);
      server.adapter(
        createBatchedAdapter(publisher, subscriber, {
          key: 'socket.io',
          onError: (error) => this.redisLogger.error(`Redis (socket adapter): ${error.message}`),
        }),
      );
    }
    return server;
  }

  /**
   * Nest builds RxJS streams on every connection for its `@SubscribeMessage` handlers, even when a
   * gateway has none (the realtime gateway registers its own listeners in `handleConnection`): they
   * were a tenth of an idle connection's heap.
   */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length > 0) super.bindMessageHandlers(...args);
  }

  /**
   * The adapter fires each PUBLISH and forgets it, so one that fails (Redis unreachable, or an emit from
   * a timer after shutdown) would be an unhandled rejection, which ends a Node process. It is logged
   * instead: once when publishing starts failing, not once per message.
   */
  private reportFailedPublishes(publisher: Redis): void {
    const publish = publisher.publish.bind(publisher);
    let failing = false;
    publisher.publish = ((channel: string, message: string | Buffer) =>
      publish(channel, message).then(
        (receivers) => {
          failing = false;
          return receivers;
        },
        (error: Error) => {
          if (!failing) this.redisLogger.warn(`Redis (socket adapter): a publish failed: ${error.message}`);
          failing = true;
          return 0;
        },
      )) as Redis['publish'];
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    // Publishes still waiting for the tick's pipeline go out before QUIT; queued behind it they would fail.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}
