import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}
export type Responder = (request: Received, index: number) => Reply;

/**
 * A local HTTP server standing in for a webhook receiver or a push service: it records every request
 * (raw body included) and answers what `respond` says (default 200).
 */
export class Receiver {
  readonly requests: Received[] = [];
  /** TCP connections accepted: an SSRF test shows it stays 0. */
  connections = 0;
  respond: Responder = () => ({ status: 200 });
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: Received = {
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
        };
        this.requests.push(received);
        const { status, body, headers } = this.respond(received, this.requests.length - 1);
        response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body ?? '');
      });
    });
    this.server.on('connection', () => (this.connections += 1));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Requests whose path starts with `prefix`. */
  to(prefix: string): Received[] {
    return this.requests.filter((r) => r.url.startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
