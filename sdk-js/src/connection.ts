import {
  REALTIME_NAMESPACE,
  SERVER_EVENT_NAMES,
  type Ack,
  type ClientEventInput,
  type ClientEventName,
  type ClientEventResult,
  type ClientToServerEvents,
  type HandshakeErrorData,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { asParleyError, ParleyError } from './errors.js';
import type { Logger } from './logger.js';
import { Timer, type Timers } from './timers.js';
import type { TokenManager } from './token.js';

/**
 * - `disconnected`: not started, or stopped by `disconnect()`.
 * - `connecting`: the first connection attempt(s) since `connect()`.
 * - `online`: connected; live events flow.
 * - `offline`: the connection is down; the next attempt is scheduled (`retryInMs`).
 * - `reconnecting`: an attempt after having been online.
 * - `failed`: the server refused the credentials (or the origin) for good; `error` says why.
 *   Nothing is retried until `connect()` is called again.
 */
export type ConnectionState =
  'disconnected' | 'connecting' | 'online' | 'offline' | 'reconnecting' | 'failed';

export interface ConnectionChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** Why the connection went offline or failed. */
  error: ParleyError | null;
  /** Failed attempts in a row so far. */
  attempt: number;
  /** When offline: the delay before the next attempt. */
  retryInMs: number | null;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionOptions {
  baseUrl: string;
  apiKey: string;
  timers: Timers;
  logger: Logger;
  random: () => number;
  reconnect: BackoffOptions;
  connectTimeoutMs: number;
  ackTimeoutMs: number;
  onChange(change: ConnectionChange): void;
  onEvent<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void;
}

interface BrowserWindow {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/**
 * The realtime connection: one socket.io socket at a time (websocket only, socket.io's own
 * reconnection off), reconnected with exponential backoff and jitter after any drop, with a token
 * refreshed once when the handshake refuses it. Acks are awaited with a time limit and fail at once
 * when the connection drops, so that callers (the outbox) decide what to resend.
 */
export class Connection {
  private socket: ClientSocket | null = null;
  private current: ConnectionState = 'disconnected';
  private failures = 0;
  private everOnline = false;
  /** The handshake refused a token and a new one was fetched: a second refusal is final. */
  private refreshedAfterRefusal = false;
  /** Bumped by start/stop: callbacks of an older run are ignored. */
  private run = 0;
  private ackIds = 0;
  private readonly retryTimer: Timer;
  private tokens: TokenManager | null = null;
  private readonly inFlight = new Map<number, (error: ParleyError) => void>();
  private readonly browser = globalThis as BrowserWindow;
  private readonly onBrowserOnline = (): void => {
    if (this.current === 'offline') this.open();
  };

  constructor(private readonly options: ConnectionOptions) {
    this.retryTimer = new Timer(options.timers);
  }

  get state(): ConnectionState {
    return this.current;
  }

  start(tokens: TokenManager): void {
    this.stop('disconnected');
    this.tokens = tokens;
    this.run += 1;
    this.everOnline = false;
    this.failures = 0;
    this.refreshedAfterRefusal = false;
    // A browser that regains its network retries at once instead of waiting out the backoff.
    this.browser.addEventListener?.('online', this.onBrowserOnline);
    this.open();
  }

  stop(state: 'disconnected' | 'failed' = 'disconnected', error: ParleyError | null = null): void {
    this.run += 1;
    this.retryTimer.cancel();
    this.browser.removeEventListener?.('online', this.onBrowserOnline);
    this.dropSocket();
    this.failInFlight(new ParleyError('closed', 'The client was disconnected'));
    this.setState(state, error);
  }

  /** Emits a client event and resolves with its ack's data, or rejects with a `ParleyError`. */
  emit<E extends ClientEventName>(
    event: E,
    payload: ClientEventInput<E>,
    timeoutMs = this.options.ackTimeoutMs,
  ): Promise<ClientEventResult<E>> {
    const socket = this.socket;
    if (!socket?.connected || this.current !== 'online') {
      return Promise.reject(new ParleyError('disconnected', `Not connected: ${event} was not sent`));
    }
    return new Promise((resolve, reject) => {
      const id = ++this.ackIds;
      const timer = this.options.timers.setTimeout(() => {
        this.inFlight.delete(id);
        reject(new ParleyError('timeout', `${event} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.set(id, (error) => {
        this.options.timers.clearTimeout(timer);
        this.inFlight.delete(id);
        reject(error);
      });
      const ack = (reply: Ack<ClientEventResult<E>>): void => {
        if (!this.inFlight.delete(id)) return; // timed out, or the connection dropped first
        this.options.timers.clearTimeout(timer);
        if (reply.ok) resolve(reply.data);
        else reject(new ParleyError(reply.error.code, reply.error.message));
      };
      (
        socket.emit as (
          event: string,
          payload: unknown,
          ack: (reply: Ack<ClientEventResult<E>>) => void,
        ) => void
      )(event, payload, ack);
    });
  }

  private async open(): Promise<void> {
    const run = this.run;
    this.retryTimer.cancel();
    this.dropSocket();
    this.setState(this.everOnline ? 'reconnecting' : 'connecting', null);
    const tokens = this.tokens;
    if (!tokens) return;
    let token: string;
    try {
      token = await tokens.current();
    } catch (error) {
      if (run === this.run) this.retry(asParleyError(error));
      return;
    }
    if (run !== this.run) return;
    // socket.io reads a URL's path as the namespace: a base path goes into `path` instead.
    const base = new URL(this.options.baseUrl);
    const socket: ClientSocket = io(base.origin + REALTIME_NAMESPACE, {
      path: `${base.pathname.replace(/\/+$/, '')}/socket.io`,
      transports: ['websocket'],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      timeout: this.options.connectTimeoutMs,
      auth: { apiKey: this.options.apiKey, token },
    });
    this.socket = socket;
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      this.failures = 0;
      this.refreshedAfterRefusal = false;
      this.everOnline = true;
      this.setState('online', null);
    });
    socket.on('connect_error', (error: Error & { data?: Partial<HandshakeErrorData> }) => {
      if (socket !== this.socket) return;
      this.dropSocket();
      this.handshakeFailed(error, run);
    });
    socket.on('disconnect', (reason) => {
      if (socket !== this.socket) return;
      this.dropSocket();
      this.failInFlight(new ParleyError('disconnected', `The connection dropped (${reason})`));
      this.retry(new ParleyError('network_error', `The connection dropped (${reason})`));
    });
    for (const name of SERVER_EVENT_NAMES) {
      (socket.on as (event: string, listener: (payload: unknown) => void) => void)(name, (payload) => {
        if (socket === this.socket) this.options.onEvent(name, payload as ServerEventPayload<typeof name>);
      });
    }
    socket.connect();
  }

  private handshakeFailed(error: Error & { data?: Partial<HandshakeErrorData> }, run: number): void {
    const code = error.data?.code;
    if (!code) return this.retry(new ParleyError('network_error', `Cannot connect: ${error.message}`));
    const refusal = new ParleyError(code, error.message);
    const tokens = this.tokens;
    if (code === 'unauthenticated' && tokens?.canRefresh && !this.refreshedAfterRefusal) {
      this.refreshedAfterRefusal = true;
      this.options.logger.info('The server refused the token; asking the provider for a new one');
      tokens.refresh().then(
        () => run === this.run && void this.open(),
        (failure: unknown) => run === this.run && this.retry(asParleyError(failure)),
      );
      return;
    }
    if (!refusal.retryable) {
      this.options.logger.error('The server refused the connection', refusal);
      return this.stop('failed', refusal);
    }
    this.retry(refusal);
  }

  private retry(error: ParleyError): void {
    const delay = backoffDelay(this.failures++, this.options.reconnect, this.options.random);
    this.options.logger.info(`Offline; next attempt in ${delay} ms`, { code: error.code });
    this.setState('offline', error, delay);
    this.retryTimer.set(delay, () => void this.open());
  }

  private dropSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.off();
    socket.disconnect();
  }

  private failInFlight(error: ParleyError): void {
    for (const reject of [...this.inFlight.values()]) reject(error);
  }

  private setState(state: ConnectionState, error: ParleyError | null, retryInMs: number | null = null): void {
    const previous = this.current;
    if (previous === state && state !== 'offline') return;
    this.current = state;
    this.options.onChange({ state, previous, error, attempt: this.failures, retryInMs });
  }
}
