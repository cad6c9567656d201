import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import { ReceiptBroadcaster } from './receipt-broadcaster.js';
import { ReceiptsRepository } from './receipts.repository.js';

/**
 * Chats larger than this store delivered pointers without announcing them: in a busy group every
 * member's device reports every message, and relaying each report to every member would cost more
 * than the messages themselves. Read pointers are always announced; `GET …/receipts` has both.
 */
export const DELIVERY_RECEIPTS_MAX_MEMBERS = 32;

/** How long delivered pointers gather before one write; also the most a crash can lose of them. */

const FLUSH_EVERY_MS = 500;

/**
 * Delivered pointers move on every message every member's device receives: thousands a second in a
 * busy group. They are gathered in memory (the highest seq per member) and written in one statement
 * per tenant per flush; pointers only ever move forward, so a late or repeated write is harmless.
 */
@Injectable()
export class DeliveredPointers implements OnModuleDestroy {
  private readonly logger = new Logger('DeliveredPointers');
  private readonly waiting = new Map<
    string,
    { tenantId: TenantId; chatId: string; userId: string; seq: number }
  >();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly receipts: ReceiptsRepository,
    private readonly broadcaster: ReceiptBroadcaster,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Only members' rows exist to move, so a non-member's report changes nothing. */
  report(tenantId: TenantId, chatId: string, userId: string, seq: number): void {
    const key = `${tenantId}|${chatId}|${userId}`;
    const current = this.waiting.get(key);
    if (!current || current.seq < seq) this.waiting.set(key, { tenantId, chatId, userId, seq });
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeWaiting());
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeWaiting(): Promise<void> {
    if (this.waiting.size === 0) return;
    const batch = [...this.waiting.values()];
    this.waiting.clear();
    const byTenant = new Map<TenantId, typeof batch>();
    for (const entry of batch) {
      const group = byTenant.get(entry.tenantId);
      if (group) group.push(entry);
      else byTenant.set(entry.tenantId, [entry]);
    }
    for (const [tenantId, entries] of byTenant) {
      try {
        const moved = await this.receipts.advanceDelivered(tenantId, entries);
        for (const { chatId, memberCount, ...receipt } of moved) {
          if (memberCount <= DELIVERY_RECEIPTS_MAX_MEMBERS)
            this.broadcaster.publish(tenantId, chatId, receipt);
        }
      } catch (error) {
        this.logger.error({ err: error, tenantId }, 'could not write delivered pointers');
      }
    }
  }
}
