import type { Receipt } from '@parley/protocol';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { MessageStatus } from './message-list.js';
import { Timer, type Timers } from './timers.js';

/**
 * The members' receipt pointers of one chat, and what they make of my messages: `read` once every
 * other member's read pointer reached it, `delivered` once every delivered pointer did. Only known
 * when every member's pointers are (`complete`); a large group's are not loaded and its messages
 * stay `sent`.
 */
export class ReceiptBook {
  private readonly pointers = new Map<string, Receipt>();
  complete = false;
  private minDelivered = 0;
  private minRead = 0;

  constructor(private readonly userId: string) {}

  reset(receipts: Receipt[], complete: boolean): void {
    this.pointers.clear();
    for (const receipt of receipts) this.pointers.set(receipt.userId, receipt);
    this.complete = complete;
    this.recompute();
  }

  /** A member's pointers moved (they never move back). */
  update(receipt: Receipt): void {
    const known = this.pointers.get(receipt.userId);
    this.pointers.set(receipt.userId, {
      userId: receipt.userId,
      deliveredSeq: Math.max(known?.deliveredSeq ?? 0, receipt.deliveredSeq),
      readSeq: Math.max(known?.readSeq ?? 0, receipt.readSeq),
    });
    this.recompute();
  }

  add(userId: string): void {
    if (!this.pointers.has(userId)) this.update({ userId, deliveredSeq: 0, readSeq: 0 });
  }

  remove(userId: string): void {
    this.pointers.delete(userId);
    this.recompute();
  }

  get(userId: string): Receipt | undefined {
    return this.pointers.get(userId);
  }

  /** The lowest seq whose status may have changed since `before` was taken. */
  changedSince(before: { delivered: number; read: number }): number | null {
    const low = Math.min(before.delivered, before.read, this.minDelivered, this.minRead);
    return before.delivered === this.minDelivered && before.read === this.minRead ? null : low;
  }

  marks(): { delivered: number; read: number } {
    return { delivered: this.minDelivered, read: this.minRead };
  }

  statusOf(seq: number): MessageStatus {
    if (seq <= this.minRead) return 'read';
    if (seq <= this.minDelivered) return 'delivered';
    return 'sent';
  }

  snapshot(): Record<string, Receipt> {
    return Object.fromEntries(this.pointers);
  }

  private recompute(): void {
    let delivered = Infinity;
    let read = Infinity;
    for (const receipt of this.pointers.values()) {
      if (receipt.userId === this.userId) continue;
      read = Math.min(read, receipt.readSeq);
      delivered = Math.min(delivered, Math.max(receipt.deliveredSeq, receipt.readSeq));
    }
    // Nobody else (or unknown pointers): nothing of mine counts as delivered or read.
    const known = this.complete && read !== Infinity;
    this.minRead = known ? read : 0;
    this.minDelivered = known ? delivered : 0;
  }
}

/**
 * Tells the server, per chat, the highest seq that reached this device (`delivered`), batched: the
 * first report opens a window of `delayMs`, then one event per chat carries the highest seq. Reports
 * made offline go out once online.
 */
export class DeliveredReporter {
  private readonly waiting = new Map<string, number>();
  private readonly reported = new Map<string, number>();
  private readonly timer: Timer;

  constructor(
    private readonly connection: Connection,
    timers: Timers,
    private readonly logger: Logger,
    private readonly delayMs: number,
  ) {
    this.timer = new Timer(timers);
  }

  report(chatId: string, seq: number): void {
    if (seq <= Math.max(this.reported.get(chatId) ?? 0, this.waiting.get(chatId) ?? 0)) return;
    this.waiting.set(chatId, seq);
    if (!this.timer.pending) this.timer.set(this.delayMs, () => this.flush());
  }

  flush(): void {
    if (this.connection.state !== 'online') return;
    for (const [chatId, seq] of [...this.waiting]) {
      this.waiting.delete(chatId);
      this.reported.set(chatId, Math.max(this.reported.get(chatId) ?? 0, seq));
      this.connection.emit('delivered', { chatId, seq }).catch((error: unknown) => {
        this.logger.debug('delivered not sent; trying again later', error);
        if ((this.reported.get(chatId) ?? 0) === seq) this.reported.delete(chatId);
        if (seq > (this.waiting.get(chatId) ?? 0)) this.waiting.set(chatId, seq);
      });
    }
  }

  stop(): void {
    this.timer.cancel();
  }
}
