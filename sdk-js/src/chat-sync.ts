import type { Changes, Message } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import type { ClientContext } from './context.js';
import { ParleyError } from './errors.js';
import { Timer } from './timers.js';
import { VersionTracker } from './versions.js';

export interface ChatSyncHooks {
  /** Applies one page of changes (the server's current view of each message). */
  applyPage(messages: Message[]): void;
  /** A catch-up ended, having brought this many changes. */
  finished(changes: number): Promise<void>;
  isClosed(): boolean;
}

/**
 * Keeps one chat's state level with the server: tracks the versions applied (live events, acks,
 * catch-ups), and runs `changes?since=` when asked (after a reconnect) or when a gap in the live
 * versions stays open for `gapGraceMs`. One catch-up at a time; a failed one is tried again with
 * backoff while online.
 */
export class ChatSync {
  private readonly versions = new VersionTracker();
  private readonly gapTimer: Timer;
  private readonly retryTimer: Timer;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private active = false;

  constructor(
    private readonly chatId: string,
    private readonly context: ClientContext,
    private readonly hooks: ChatSyncHooks,
  ) {
    this.gapTimer = new Timer(context.timers);
    this.retryTimer = new Timer(context.timers);
  }

  /** Every change up to this version has been applied. */
  get version(): number {
    return this.versions.applied;
  }

  /** The state was loaded as of `version`; from now on versions are tracked. */
  start(version: number): void {
    this.versions.caughtUpTo(version);
    this.active = true;
  }

  /** A change with this version was applied from a live event or an ack. */
  saw(version: number): void {
    if (!this.active) return;
    this.versions.saw(version);
    if (!this.versions.gap) this.gapTimer.cancel();
    // Events of concurrent changes may arrive out of order: give the missing ones a moment.
    else if (!this.gapTimer.pending)
      this.gapTimer.set(this.context.options.gapGraceMs, () => void this.catchUp());
  }

  /** Fetches every change after the applied version, page by page, until none is left. */
  catchUp(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.gapTimer.cancel();
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  stop(): void {
    this.gapTimer.cancel();
    this.retryTimer.cancel();
  }

  private async run(): Promise<void> {
    const { http, options, connection, logger } = this.context;
    try {
      let changes = 0;
      do {
        this.again = false;
        for (let more = true; more && !this.hooks.isClosed();) {
          const page = await http.request<Changes>('GET', `/v1/chats/${this.chatId}/changes`, {
            query: { since: this.versions.applied, limit: options.changesPageSize },
          });
          changes += page.data.length;
          this.hooks.applyPage(page.data);
          this.versions.caughtUpTo(page.version);
          more = page.hasMore;
        }
      } while (this.again);
      this.failures = 0;
      if (this.versions.gap && !this.gapTimer.pending)
        this.gapTimer.set(options.gapGraceMs, () => void this.catchUp());
      await this.hooks.finished(changes);
    } catch (error) {
      logger.warn('Catch-up failed', error);
      // Offline: the next `online` catches up. Online: try again with backoff.
      if (error instanceof ParleyError && error.retryable && connection.state === 'online') {
        const delay = backoffDelay(this.failures++, options.reconnect, this.context.random);
        this.retryTimer.set(delay, () => void this.catchUp());
      }
    }
  }
}
