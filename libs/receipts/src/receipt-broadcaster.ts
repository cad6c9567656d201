import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import { ChatEvents } from '@parley/fanout';
import type { Receipt } from '@parley/protocol';

/** At most one `receipt` event per member per chat in this window; the latest pointers win. */
const WINDOW_MS = 500;

interface Pending {
  tenantId: TenantId;
  chatId: string;
  receipt: Receipt | null;
  timer: NodeJS.Timeout;
}

/**
 * Coalesces receipt events: the first change goes out at once, later ones within the window are
 * folded into one trailing event, so a burst of reads does not become a burst of events.
 */
@Injectable()
export class ReceiptBroadcaster implements OnModuleDestroy {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly events: ChatEvents) {}

  publish(tenantId: TenantId, chatId: string, receipt: Receipt): void {
    const key = `${tenantId}|${chatId}|${receipt.userId}`;
    const open = this.pending.get(key);
    if (open) {
      open.receipt = receipt;
      return;
    }
    this.emit(tenantId, chatId, receipt);
    this.pending.set(key, { tenantId, chatId, receipt: null, timer: this.closeWindowLater(key) });
  }

  onModuleDestroy(): void {
    for (const [key, entry] of this.pending) {
      clearTimeout(entry.timer);
      if (entry.receipt) this.emit(entry.tenantId, entry.chatId, entry.receipt);
      this.pending.delete(key);
    }
  }

  private closeWindowLater(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const entry = this.pending.get(key)!;
      if (!entry.receipt) {
        this.pending.delete(key);
        return;
      }
      this.emit(entry.tenantId, entry.chatId, entry.receipt);
      entry.receipt = null;
      entry.timer = this.closeWindowLater(key);
    }, WINDOW_MS);
    timer.unref();
    return timer;
  }

  private emit(tenantId: TenantId, chatId: string, receipt: Receipt): void {
    this.events.toChat(tenantId, chatId, 'receipt', { chatId, ...receipt });
  }
}
