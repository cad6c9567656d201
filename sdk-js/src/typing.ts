import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import { Timer, type Timers } from './timers.js';

export interface TypingOptions {
  /**
   * A "still typing" signal goes out at most this often while the user types.
   * @default 2000
   */
  throttleMs?: number;
  /**
   * Typing stops by itself after this long without a keystroke.
   * @default 4000
   */
  idleMs?: number;
  /**
   * Someone else's typing is forgotten after this long without news (the server says so after 5 s).
   * @default 6000
   */
  expireMs?: number;
}

export const TYPING_DEFAULTS: Required<TypingOptions> = { throttleMs: 2_000, idleMs: 4_000, expireMs: 6_000 };

/** The current user's typing in one chat: throttled `typing` events, and a stop when idle or sent. */
export class TypingNotifier {
  private lastSentAt = -Infinity;
  private typing = false;
  private readonly idle: Timer;

  constructor(
    private readonly chatId: string,
    private readonly connection: Connection,
    private readonly timers: Timers,
    private readonly logger: Logger,
    private readonly options: Required<TypingOptions>,
  ) {
    this.idle = new Timer(timers);
  }

  keystroke(): void {
    const now = this.timers.now();
    this.idle.set(this.options.idleMs, () => this.stop());
    if (this.typing && now - this.lastSentAt < this.options.throttleMs) return;
    this.typing = true;
    this.lastSentAt = now;
    this.send(true);
  }

  stop(): void {
    this.idle.cancel();
    if (!this.typing) return;
    this.typing = false;
    this.lastSentAt = -Infinity;
    this.send(false);
  }

  private send(isTyping: boolean): void {
    if (this.connection.state !== 'online') return;
    this.connection
      .emit('typing', { chatId: this.chatId, isTyping })
      .catch((error: unknown) => this.logger.debug('typing not sent', error));
  }
}

/** Who else is typing in one chat, each forgotten after `expireMs` without news. */
export class TypingTracker {
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly clock: Timers,
    private readonly expireMs: number,
    private readonly onChange: (userIds: string[]) => void,
  ) {}

  set(userId: string, isTyping: boolean): void {
    const known = this.timers.get(userId);
    if (!isTyping) {
      if (!known) return;
      known.cancel();
      this.timers.delete(userId);
      return this.onChange(this.list());
    }
    const timer = known ?? new Timer(this.clock);
    timer.set(this.expireMs, () => this.set(userId, false));
    if (!known) {
      this.timers.set(userId, timer);
      this.onChange(this.list());
    }
  }

  clear(): void {
    if (this.timers.size === 0) return;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.onChange([]);
  }

  list(): string[] {
    return [...this.timers.keys()];
  }
}
