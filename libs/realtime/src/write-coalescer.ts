import type { EventEmitter } from 'node:events';
import type { Socket as TcpSocket } from 'node:net';

/** The parts of an engine.io 6 socket this relies on (`flush` is private in its typings). */
interface EngineSocket extends EventEmitter {
  transport: { writable: boolean };
  request?: { socket?: TcpSocket };
  flush(): void;
}

/**
 * Packets a connection is sent within one tick leave in one socket write.
 *
 * Under load a whole batch of stored messages is announced in one tick, and a busy connection gets
 * several packets in it (acks, messages, receipts). engine.io writes each packet as a websocket frame
 * of its own, each a `writev`: a quarter of the API's CPU at 6,000 msg/s. Here a connection's first
 * packet of a tick holds its transport, so engine.io queues the packets as it does while a write is in
 * flight; at the end of the tick the queue is flushed with the TCP socket corked, and the frames leave
 * together. No packet waits past the tick that made it.
 *
 * Relies on engine.io 6: the `packetCreate` event, `transport.writable`, `Socket.flush()`, and
 * `request.socket` being the connection's TCP socket (the websocket transport keeps it).
 */
export function coalesceWrites(engine: EventEmitter): void {
  const held = new Set<EngineSocket>();
  const release = (): void => {
    for (const socket of held) {
      socket.transport.writable = true;
      const tcp = socket.request?.socket;
      tcp?.cork();
      socket.flush();
      tcp?.uncork();
    }
    held.clear();
  };
  engine.on('connection', (socket: EngineSocket) => {
    socket.on('packetCreate', () => {
      // A transport already busy queues the packet by itself and flushes it once its write is done.
      if (held.has(socket) || !socket.transport.writable) return;
      if (held.size === 0) process.nextTick(release);
      held.add(socket);
      socket.transport.writable = false;
    });
  });
}
