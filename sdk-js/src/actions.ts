import type { ClientEventInput, ClientEventName, ClientEventResult } from '@parley/protocol';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Connection } from './connection.js';
import { ParleyError } from './errors.js';
import type { Timers } from './timers.js';

/** Over the socket when online (over REST if it dropped before sending), over REST when offline. */
export async function socketOrRest<E extends ClientEventName>(
  connection: Connection,
  event: E,
  payload: ClientEventInput<E>,
  rest: () => Promise<ClientEventResult<E>>,
): Promise<ClientEventResult<E>> {
  if (connection.state === 'online') {
    try {
      return await connection.emit(event, payload);
    } catch (error) {
      if (!(error instanceof ParleyError && error.code === 'disconnected')) throw error;
    }
  }
  return rest();
}

/** Runs `work` again with backoff while it fails with a retryable error, at most `attempts` times. */
export async function retrying<T>(
  work: () => Promise<T>,
  attempts: number,
  backoff: BackoffOptions,
  random: () => number,
  timers: Timers,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ParleyError && error.retryable) || attempt >= attempts) throw error;
      const delay = backoffDelay(attempt - 1, backoff, random);
      await new Promise<void>((resolve) => timers.setTimeout(resolve, delay));
    }
  }
}
