import { describe, expect, it } from 'vitest';
import { entry } from './logger.js';

describe("Nest's log calls as pino lines", () => {
  it('keeps the fields of an object and logs the text after it', () => {
    const err = new Error('boom');
    expect(entry({ err, queue: 'push' }, ['job failed', 'BullmqQueue'])).toEqual([
      { context: 'BullmqQueue', err, queue: 'push' },
      'job failed',
    ]);
  });

  it('logs a plain message with its context, and an error with its stack', () => {
    expect(entry('listening', ['Main'])).toEqual([{ context: 'Main' }, 'listening']);
    expect(entry('failed', ['stack…', 'ExceptionsHandler'])).toEqual([
      { context: 'ExceptionsHandler', trace: 'stack…' },
      'failed',
    ]);
  });
});
