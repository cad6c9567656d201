import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import { ChatEvents } from '@parley/fanout';

/** A typing indicator nobody refreshes goes out by itself after this long. */
export const TYPING_EXPIRES_MS = 5_000;
/** Repeated "still typing" signals are relayed at most this often. */
const TYPING_THROTTLE_MS = 2_000;

interface Typist {
  tenantId: TenantId;
  chatId: string;
  userId: string;
  connectionId: string;
  lastRelayed: number;
  expiry: NodeJS.Timeout;
}

/**
 * Relays typing indicators to the other members of a chat: throttled, expiring, never stored, and
 * never echoed to the typist's own devices.
 */
@Injectable()
export class TypingRelay implements OnModuleDestroy {
  private readonly typists = new Map<string, Typist>();

  constructor(private readonly events: ChatEvents) {}

  update(tenantId: TenantId, chatId: string, userId: string, connectionId: string, isTyping: boolean): void {
    const key = `${connectionId}|${chatId}`;
    const current = this.typists.get(key);
    if (!isTyping) {
      if (current) this.stop(key, current);
      return;
    }
    const now = Date.now();
    if (current) {
      clearTimeout(current.expiry);
      current.expiry = this.expireLater(key);
      if (now - current.lastRelayed < TYPING_THROTTLE_MS) return;
      current.lastRelayed = now;
    } else {
      this.typists.set(key, {
        tenantId,
        chatId,
        userId,
        connectionId,
        lastRelayed: now,
        expiry: this.expireLater(key),
      });
    }
    this.relay(tenantId, chatId, userId, true);
  }

  /** A connection that goes away stops typing everywhere. */
  forget(connectionId: string): void {
    for (const [key, typist] of this.typists)
      if (typist.connectionId === connectionId) this.stop(key, typist);
  }

  onModuleDestroy(): void {
    for (const typist of this.typists.values()) clearTimeout(typist.expiry);
    this.typists.clear();
  }

  private expireLater(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const typist = this.typists.get(key);
      if (typist) this.stop(key, typist);
    }, TYPING_EXPIRES_MS);
    timer.unref();
    return timer;
  }

  private stop(key: string, typist: Typist): void {
    clearTimeout(typist.expiry);
    this.typists.delete(key);
    this.relay(typist.tenantId, typist.chatId, typist.userId, false);
  }

  private relay(tenantId: TenantId, chatId: string, userId: string, isTyping: boolean): void {
    this.events.toChat(tenantId, chatId, 'typing', { chatId, userId, isTyping }, { exceptUser: userId });
  }
}
