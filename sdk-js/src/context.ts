import type { BackoffOptions } from './backoff.js';
import type { Connection } from './connection.js';
import type { Http } from './http.js';
import type { Logger } from './logger.js';
import type { Outbox } from './outbox.js';
import type { Fetch } from './http.js';
import type { Timers } from './timers.js';
import type { TokenManager } from './token.js';
import type { TypingOptions } from './typing.js';

/** The tuning every module reads, with defaults applied (see `ParleyClientOptions`). */
export interface ResolvedOptions {
  pageSize: number;
  changesPageSize: number;
  receiptsUpTo: number;
  gapGraceMs: number;
  reconnect: BackoffOptions;
  /** Backoff for requests the server refused for now. */
  retry: BackoffOptions;
  typing: Required<TypingOptions>;
}

/** What the client hands its modules: transports, clock, logger, and who is signed in. */
export interface ClientContext {
  readonly userId: string;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: Fetch;
  /** The session's tokens (throws before `connect()`). */
  tokens(): TokenManager;
  readonly http: Http;
  readonly connection: Connection;
  readonly outbox: Outbox;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly random: () => number;
  readonly options: ResolvedOptions;
  newClientId(): string;
  /** A message from someone else reached this device. */
  delivered(chatId: string, seq: number): void;
}
