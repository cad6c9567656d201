import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDIS_URL } from '../../../test/support/environment.js';
import { ParleyIoAdapter } from './socket-io.adapter.js';

describe('ParleyIoAdapter with Redis', () => {
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  afterEach(() => {
    process.off('unhandledRejection', recordUnhandled);
    vi.restoreAllMocks();
  });

  it('logs a room emit made after shutdown instead of leaving a rejected publish unhandled', async () => {
    process.on('unhandledRejection', recordUnhandled);
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const adapter = new ParleyIoAdapter(createServer(), REDIS_URL);
    const server = adapter.createIOServer(0);
    await adapter.dispose();

    // A late emit: the app's timers and disconnect handlers can still speak after the adapter closed.
    server.to('chat:late').emit('message:new', { id: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(unhandled).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Connection is closed'));
  });
});
