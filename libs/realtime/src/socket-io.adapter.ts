import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { coalesceWrites } from './write-coalescer.js';

/**
 * socket.io on the API's HTTP server; with `REDIS_URL`, the Redis adapter carries room emits and
 * joins between API nodes, so a member on node 1 hears a message sent on node 2.
 */
export class ParleyIoAdapter extends IoAdapter {
  private readonly redisLogger = new Logger('SocketAdapter');
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string | null,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    coalesceWrites(server.engine);
    if (this.redisUrl && this.clients.length === 0) {
      // Every room emit is a PUBLISH: those of one tick leave in one write (a write each cost about a
      // tenth of the API's CPU under 1:1 load).
      const publisher = new Redis(this.redisUrl, { enableAutoPipelining: true });
      const subscriber = publisher.duplicate();
      for (const client of [publisher, subscriber]) {
        client.on('error', (error: Error) =>
          this.redisLogger.warn(`Redis (socket adapter): ${error.message}`),
        );
        this.clients.push(client);
      }
      server.adapter(createAdapter(publisher, subscriber));
    }
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    // Publishes still waiting for the tick's pipeline go out before QUIT; queued behind it they would fail.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}
