import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { coalesceWrites } from './write-coalescer.js';

/** An engine.io socket as far as coalesceWrites sees it; `send` mimics `sendPacket`'s create-then-flush. */
function fakeSocket(log: string[]) {
  const tcp = { cork: () => log.push('cork'), uncork: () => log.push('uncork') };
  const socket = Object.assign(new EventEmitter(), {
    transport: { writable: true },
    request: { socket: tcp },
    queued: [] as string[],
    flush() {
      if (!socket.transport.writable || socket.queued.length === 0) return;
      log.push(`write ${socket.queued.splice(0).join('+')}`);
    },
    send(packet: string) {
      socket.emit('packetCreate');
      socket.queued.push(packet);
      socket.flush();
    },
  });
  return socket;
}

/** A socket of an engine that coalesceWrites watches, and the log of what reached its TCP socket. */
function connected() {
  const engine = new EventEmitter();
  coalesceWrites(engine);
  const log: string[] = [];
  const socket = fakeSocket(log);
  engine.emit('connection', socket);
  return { socket, log };
}

const endOfTick = () => new Promise((resolve) => process.nextTick(resolve));

describe('coalesceWrites', () => {
  it('sends the packets of one tick in one corked write, and nothing later than the tick', async () => {
    const { socket, log } = connected();
    socket.send('ack');
    socket.send('message');
    socket.send('receipt');
    expect(log).toEqual([]);
    await endOfTick();
    expect(log).toEqual(['cork', 'write ack+message+receipt', 'uncork']);

    log.length = 0;
    socket.send('next');
    await endOfTick();
    expect(log).toEqual(['cork', 'write next', 'uncork']);
  });

  it('leaves a transport with a write in flight to flush its queue by itself', async () => {
    const { socket, log } = connected();
    socket.transport.writable = false;
    socket.send('queued');
    await endOfTick();
    expect(log).toEqual([]);
    expect(socket.transport.writable).toBe(false);
  });
});
