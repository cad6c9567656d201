import { io, type Socket } from 'socket.io-client';
import {
  REALTIME_NAMESPACE,
  type Ack,
  type ClientEventInput,
  type ClientEventName,
  type ClientEventResult,
  type ClientToServerEvents,
  type HandshakeAuth,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '@parley/protocol';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io client on loopback; resolves once connected, rejects with the `connect_error`. */
export function connectSocket(
  baseUrl: string,
  auth: HandshakeAuth,
  options: { origin?: string } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl + REALTIME_NAMESPACE, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: options.origin ? { origin: options.origin } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits an event and waits for its ack. */
export function emitAck<E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: ClientEventInput<E>,
  timeoutMs = 5_000,
): Promise<Ack<ClientEventResult<E>>> {
  const timed = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<unknown>;
  };
  return timed.emitWithAck(event, payload) as Promise<Ack<ClientEventResult<E>>>;
}

/** Every payload of `event` this socket receives from now on. */
export function collect<E extends ServerEventName>(socket: ClientSocket, event: E): ServerEventPayload<E>[] {
  const seen: ServerEventPayload<E>[] = [];
  (socket.on as (event: string, listener: (payload: ServerEventPayload<E>) => void) => void)(
    event,
    (payload) => seen.push(payload),
  );
  return seen;
}

/** Waits until `check` passes (it may throw or return false), polling; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result as Exclude<T, false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError ?? new Error('condition never held');
    await new Promise((r) => setTimeout(r, 25));
  }
}
