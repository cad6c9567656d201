import type {
  List,
  SearchHit,
  SearchQuery,
  ServerEventName,
  ServerEventPayload,
  User,
} from '@parley/protocol';
import type { BackoffOptions } from './backoff.js';
import { ChatsModule } from './chats.js';
import { Connection, type ConnectionChange, type ConnectionState } from './connection.js';
import type { ClientContext, ResolvedOptions } from './context.js';
import { Emitter, type Listener, type Unsubscribe } from './emitter.js';
import { ParleyError } from './errors.js';
import { Http, type Fetch } from './http.js';
import { randomId } from './ids.js';
import { silentLogger, type Logger } from './logger.js';
import { Outbox } from './outbox.js';
import { PresenceModule } from './presence.js';
import { DeliveredReporter } from './receipts.js';
import { systemTimers, type Timers } from './timers.js';
import { readTokenClaims, TokenManager, type TokenProvider } from './token.js';
import { TYPING_DEFAULTS, type TypingOptions } from './typing.js';

export interface ParleyClientOptions {
  /** The tenant's publishable key (`pk_…`). */
  apiKey: string;
  /** Where Parley runs, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /**
   * Where the SDK logs (pass `console` to see everything).
   * @default a silent logger
   */
  logger?: Logger;
  /**
   * Clock and timers, for tests.
   * @default the platform's `setTimeout`, `clearTimeout` and `Date.now`
   */
  timers?: Timers;
  /**
   * Random numbers in [0, 1) for backoff jitter, for tests.
   * @default Math.random
   */
  random?: () => number;
  /**
   * The fetch used for REST calls.
   * @default globalThis.fetch
   */
  fetch?: Fetch;
  /**
   * Reconnection backoff after the connection drops.
   * @default { initialDelayMs: 500, maxDelayMs: 30000, factor: 2, jitter: 0.5 }
   */
  reconnect?: BackoffOptions;
  /**
   * Backoff for sends, edits, deletes and reactions the server refused for now (`rate_limited`,
   * `unavailable`, …).
   * @default { initialDelayMs: 500, maxDelayMs: 30000, factor: 2, jitter: 0.5 }
   */
  sendRetry?: BackoffOptions;
  /**
   * Time limit of a REST call.
   * @default 15000
   */
  requestTimeoutMs?: number;
  /**
   * Time limit of a socket event's ack; a send without answer is sent again (same `clientId`).
   * @default 10000
   */
  ackTimeoutMs?: number;
  /**
   * Time limit of one connection attempt.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * A provider's token is renewed this long before it expires (at most half its remaining life).
   * @default 60000
   */
  refreshBeforeExpiryMs?: number;
  /**
   * Messages per page when opening a chat and loading older ones (the tenant's `pageSize` caps it).
   * @default 50
   */
  pageSize?: number;
  /**
   * Changes per catch-up request.
   * @default 100
   */
  changesPageSize?: number;
  /**
   * Receipts (and so `delivered`/`read` statuses) are followed in chats of at most this many members.
   * @default 200
   */
  receiptsUpTo?: number;
  /**
   * `delivered` reports are batched over this window.
   * @default 500
   */
  deliveredDelayMs?: number;
  /**
   * A gap in a chat's live versions (an event missed or late) is filled by a catch-up after this long.
   * @default 1000
   */
  gapGraceMs?: number;
  /** Typing throttling and expiry. */
  typing?: TypingOptions;
  /**
   * Generates the `clientId` of each send.
   * @default a random UUID (crypto.randomUUID, or getRandomValues outside secure contexts)
   */
  newClientId?: () => string;
}

/** Server events, as `@parley/protocol` types them. */
export type ServerEvents = { [E in ServerEventName]: ServerEventPayload<E> };

/** Everything `client.on()` can listen to. */
export type ParleyEvents = ServerEvents & {
  /** Every change of the connection state. */
  connection: ConnectionChange;
  connecting: ConnectionChange;
  online: ConnectionChange;
  offline: ConnectionChange;
  reconnecting: ConnectionChange;
  /** The server refused the credentials for good; `error` says why. Call `connect()` again. */
  failed: ConnectionChange;
  disconnected: ConnectionChange;
  /** Something went wrong that no promise reports (a refused token, a failing token provider). */
  error: ParleyError;
  /** The token provider gave a new token (`expiresAt` in ms, from its `exp`). */
  'token:refreshed': { expiresAt: number | null };
};

/**
 * The entry point: `new ParleyClient({ apiKey, baseUrl })`, then `await client.connect(token)`.
 * `client.chats` opens chats, `client.presence` follows who is online, `client.on()` listens.
 */
export class ParleyClient {
  readonly chats: ChatsModule;
  readonly presence: PresenceModule;
  private readonly events: Emitter<ParleyEvents>;
  private readonly http: Http;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly reporter: DeliveredReporter;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private tokens: TokenManager | null = null;
  private user: string | null = null;
  private readonly context: ClientContext;
  private readonly tokensOptions: { refreshBeforeExpiryMs: number; random: () => number };

  constructor(options: ParleyClientOptions) {
    if (!options.apiKey) throw new ParleyError('validation_failed', 'ParleyClient needs an apiKey');
    if (!options.baseUrl) throw new ParleyError('validation_failed', 'ParleyClient needs a baseUrl');
    const timers = (this.timers = options.timers ?? systemTimers);
    const logger = (this.logger = options.logger ?? silentLogger);
    const random = options.random ?? Math.random;
    const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.events = new Emitter<ParleyEvents>(logger);
    this.http = new Http({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: fetcher,
      timers,
      logger,
      timeoutMs: options.requestTimeoutMs ?? 15_000,
      tokens: () => this.tokens,
      onUnauthenticated: (error) => this.refused(error),
    });
    this.connection = new Connection({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timers,
      logger,
      random,
      reconnect: options.reconnect ?? {},
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      onChange: (change) => this.connectionChanged(change),
      onEvent: (event, payload) => this.serverEvent(event, payload),
    });
    this.outbox = new Outbox({
      connection: this.connection,
      timers,
      logger,
      random,
      retry: options.sendRetry ?? {},
      onStored: (outgoing, message) => this.chats.stored(outgoing.clientId, message),
      onFailed: (outgoing, error) => this.chats.get(outgoing.chatId)?.onSendFailed(outgoing.clientId, error),
    });
    this.reporter = new DeliveredReporter(this.connection, timers, logger, options.deliveredDelayMs ?? 500);
    const resolved: ResolvedOptions = {
      pageSize: options.pageSize ?? 50,
      changesPageSize: options.changesPageSize ?? 100,
      receiptsUpTo: options.receiptsUpTo ?? 200,
      gapGraceMs: options.gapGraceMs ?? 1_000,
      reconnect: options.reconnect ?? {},
      retry: options.sendRetry ?? {},
      typing: { ...TYPING_DEFAULTS, ...options.typing },
    };
    const newClientId = options.newClientId ?? randomId;
    const currentUser = (): string => {
      if (!this.user) throw new ParleyError('unauthenticated', 'Call connect() first');
      return this.user;
    };
    this.context = {
      get userId(): string {
        return currentUser();
      },
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: fetcher,
      tokens: () => {
        if (!this.tokens) throw new ParleyError('unauthenticated', 'Call connect() first');
        return this.tokens;
      },
      http: this.http,
      connection: this.connection,
      outbox: this.outbox,
      timers,
      logger,
      random,
      options: resolved,
      newClientId,
      delivered: (chatId, seq) => this.reporter.report(chatId, seq),
    };
    this.tokensOptions = {
      refreshBeforeExpiryMs: options.refreshBeforeExpiryMs ?? 60_000,
      random,
    };
    this.chats = new ChatsModule(() => this.context);
    this.presence = new PresenceModule(() => this.context);
  }

  /** The signed-in user (the token's `sub`), once `connect()` has read the token. */
  get userId(): string | null {
    return this.user;
  }

  get connectionState(): ConnectionState {
    return this.connection.state;
  }

  /** Listens to a server or client event; returns the unsubscribe. */
  on<E extends keyof ParleyEvents>(event: E, listener: Listener<ParleyEvents[E]>): Unsubscribe {
    return this.events.on(event, listener);
  }

  once<E extends keyof ParleyEvents>(event: E, listener: Listener<ParleyEvents[E]>): Unsubscribe {
    return this.events.once(event, listener);
  }

  /**
   * Signs in and connects. Pass a user token, or (better) a provider that fetches one from your
   * backend: it is asked again before each token expires and whenever the server refuses one.
   * Resolves once online; keeps trying through network failures; rejects when the server refuses
   * the credentials (the state is then `failed`) or `disconnect()` is called first.
   */
  async connect(auth: string | TokenProvider): Promise<void> {
    this.connection.stop();
    this.tokens?.stop();
    const tokens = new TokenManager(auth, {
      timers: this.timers,
      logger: this.logger,
      random: this.tokensOptions.random,
      refreshBeforeExpiryMs: this.tokensOptions.refreshBeforeExpiryMs,
      onRefreshed: (token) =>
        this.events.emit('token:refreshed', { expiresAt: readTokenClaims(token).expiresAt }),
      onRefreshFailed: (error) => this.events.emit('error', error),
    });
    this.tokens = tokens;
    let first: string;
    try {
      first = await tokens.current();
    } catch (error) {
      tokens.stop(); // no retries of a provider that failed before anything started
      throw error;
    }
    const userId = readTokenClaims(first).sub;
    if (this.tokens !== tokens) throw new ParleyError('closed', 'connect() was called again');
    if (!userId) throw new ParleyError('unauthenticated', 'The user token names no user (`sub`)');
    if (this.user !== null && this.user !== userId) {
      // Another user: nothing of the previous one's session carries over.
      this.chats.closeAll();
      this.outbox.drop(new ParleyError('closed', 'Another user signed in'));
    }
    this.user = userId;
    const online = new Promise<void>((resolve, reject) => {
      const off = this.events.on('connection', ({ state, error }) => {
        if (state === 'online') resolve();
        else if (state === 'failed')
          reject(error ?? new ParleyError('unauthenticated', 'Connection refused'));
        else if (state === 'disconnected') reject(new ParleyError('closed', 'disconnect() was called'));
        else return;
        off();
      });
    });
    tokens.start();
    this.connection.start(tokens);
    return online;
  }

  /** Closes the connection and every open chat; unsent messages are dropped (their sends reject). */
  async disconnect(): Promise<void> {
    this.tokens?.stop();
    this.reporter.flush();
    this.reporter.stop();
    this.connection.stop();
    this.chats.closeAll();
    this.outbox.drop(new ParleyError('closed', 'The client was disconnected'));
  }

  /** Full-text search in the user's chats (or one of them), newest first, with highlights. */
  search(query: SearchQuery): Promise<List<SearchHit>> {
    const { q, chatId, cursor, limit } = query;
    return this.http.request('GET', '/v1/search', { query: { q, chatId, cursor, limit } });
  }

  /** Profiles of these users (unknown ones are left out). */
  async users(userIds: string[]): Promise<User[]> {
    const page = await this.http.request<List<User>>('GET', '/v1/users', {
      query: { ids: userIds.join(',') },
    });
    return page.data;
  }

  private connectionChanged(change: ConnectionChange): void {
    this.events.emit('connection', change);
    this.events.emit(change.state, change);
    if (change.state === 'online') {
      this.chats.onOnline();
      this.outbox.resume();
      this.reporter.flush();
      this.presence.onOnline();
    } else if (change.previous === 'online') {
      this.chats.onOffline();
    }
    if (change.state === 'failed') {
      this.tokens?.stop();
      if (change.error) this.events.emit('error', change.error);
    }
  }

  private serverEvent<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    if (event === 'presence') this.presence.onEvent(payload as ServerEventPayload<'presence'>);
    else this.chats.handle(event, payload);
    this.events.emit(event, payload as ParleyEvents[E]);
  }

  /** A REST call was refused even with a fresh token: the session is over. */
  private refused(error: ParleyError): void {
    if (this.connection.state === 'failed' || this.connection.state === 'disconnected') return;
    this.tokens?.stop();
    this.connection.stop('failed', error);
  }
}
