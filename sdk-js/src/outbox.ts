import type { Message } from '@parley/protocol';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Connection } from './connection.js';
import { asParleyError, ParleyError } from './errors.js';
import type { Logger } from './logger.js';
import { Timer, type Timers } from './timers.js';

/** One message to send; `clientId` makes every resend of it the same message. */
export interface OutgoingMessage {
  chatId: string;
  clientId: string;
  text?: string;
  /** Attachment ids from `POST /v1/uploads`. */
  attachments?: string[];
  replyTo?: string;
}

interface Entry extends OutgoingMessage {
  attempts: number;
  state: 'queued' | 'sending' | 'waiting';
  retry: Timer;
  resolve(message: Message): void;
  reject(error: ParleyError): void;
}

export interface OutboxOptions {
  connection: Connection;
  timers: Timers;
  logger: Logger;
  random: () => number;
  retry: BackoffOptions;
  /** The server stored it (or had stored it before): the chat swaps its echo for the message. */
  onStored(outgoing: OutgoingMessage, message: Message): void;
  /** The server refused it for good. */
  onFailed(outgoing: OutgoingMessage, error: ParleyError): void;
}

/**
 * Messages on their way to the server. Each chat's messages go one at a time, in the order they were
 * sent, so that they are stored in that order whatever fails on the way; chats do not wait for each
 * other. A send that got no answer (dropped connection, time limit, a retryable refusal) is sent again
 * with the same `clientId`, which the server answers with the original message: never a duplicate.
 * Entries wait while offline and go once online; only `disconnect()` drops them.
 */
export class Outbox {
  private readonly queues = new Map<string, Entry[]>();

  constructor(private readonly options: OutboxOptions) {}

  get size(): number {
    let size = 0;
    for (const queue of this.queues.values()) size += queue.length;
    return size;
  }

  add(outgoing: OutgoingMessage): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const entry: Entry = {
        ...outgoing,
        attempts: 0,
        state: 'queued',
        retry: new Timer(this.options.timers),
        resolve,
        reject,
      };
      const queue = this.queues.get(outgoing.chatId) ?? [];
      this.queues.set(outgoing.chatId, queue);
      queue.push(entry);
      this.pump(outgoing.chatId);
    });
  }

  has(chatId: string, clientId: string): boolean {
    return this.queues.get(chatId)?.some((entry) => entry.clientId === clientId) ?? false;
  }

  /**
   * The message turned up stored (a live event, or catch-up after its ack was lost): no need to send
   * it again. One still being sent waits for its ack instead, which answers the same message.
   */
  confirm(chatId: string, clientId: string, message: Message): void {
    const queue = this.queues.get(chatId);
    const index = queue?.findIndex((entry) => entry.clientId === clientId) ?? -1;
    if (!queue || index < 0 || queue[index]!.state === 'sending') return;
    const [entry] = queue.splice(index, 1);
    entry!.retry.cancel();
    entry!.resolve(message);
    this.pump(chatId);
  }

  /** Online again: every chat's first message goes. */
  resume(): void {
    for (const chatId of this.queues.keys()) this.pump(chatId);
  }

  /** Drops everything still queued (the app disconnected, or left the chat). */
  drop(error: ParleyError, chatId?: string): void {
    for (const [id, queue] of this.queues) {
      if (chatId !== undefined && id !== chatId) continue;
      for (const entry of queue.splice(0)) {
        entry.retry.cancel();
        entry.reject(error);
      }
      this.queues.delete(id);
    }
  }

  private pump(chatId: string): void {
    const queue = this.queues.get(chatId);
    const head = queue?.[0];
    if (!queue || !head) {
      this.queues.delete(chatId);
      return;
    }
    if (head.state !== 'queued' || this.options.connection.state !== 'online') return;
    head.state = 'sending';
    head.attempts += 1;
    const { clientId, text, attachments, replyTo } = head;
    this.options.connection
      .emit('message:send', {
        chatId,
        clientId,
        ...(text !== undefined ? { text } : {}),
        ...(attachments ? { attachments } : {}),
        ...(replyTo ? { replyTo } : {}),
      })
      .then(
        (message) => this.settle(queue, head, () => head.resolve(message), message),
        (failure: unknown) => this.failed(queue, head, asParleyError(failure)),
      );
  }

  private failed(queue: Entry[], entry: Entry, error: ParleyError): void {
    if (queue[0] !== entry) return;
    if (error.code === 'disconnected' || error.code === 'closed') {
      // Unknown whether it was stored: the resend after reconnecting will tell (same clientId).
      this.options.logger.debug(`Send of ${entry.clientId} interrupted; it goes again once online`);
      entry.state = 'queued';
      return;
    }
    if (error.retryable) {
      const delay = backoffDelay(entry.attempts - 1, this.options.retry, this.options.random);
      this.options.logger.info(`Send refused for now (${error.code}); again in ${delay} ms`);
      entry.state = 'waiting';
      entry.retry.set(delay, () => {
        entry.state = 'queued';
        this.pump(entry.chatId);
      });
      return;
    }
    this.settle(queue, entry, () => entry.reject(error), null, error);
  }

  private settle(
    queue: Entry[],
    entry: Entry,
    finish: () => void,
    message: Message | null,
    error?: ParleyError,
  ): void {
    if (queue[0] !== entry) return;
    queue.shift();
    finish();
    if (message) this.options.onStored(entry, message);
    else if (error) this.options.onFailed(entry, error);
    this.pump(entry.chatId);
  }
}
