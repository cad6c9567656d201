import type { Attachment, Message, MessageEvent } from '@parley/protocol';
import type { ParleyErrorCode } from './errors.js';

/**
 * Where one of my messages stands: `sending` (local echo, in the outbox) → `sent` (stored) →
 * `delivered` (reached every other member) → `read` (read by every other member); or `failed` when
 * the server refused it (`error` says why). Other people's messages are `sent`.
 */
export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message as a chat's state holds it. */
export interface LocalMessage extends Message {
  /**
   * Stable identity for rendering: a local echo keeps its key when it becomes the stored message
   * (whose `id` differs), so key list items by `key`.
   */
  key: string;
  status: MessageStatus;
  /** Why a `failed` message failed. */
  error: { code: ParleyErrorCode; message: string } | null;
}

/** `id` of a message that only exists locally (not stored yet). */
export const localId = (clientId: string): string => `local:${clientId}`;

/** A local echo of a send, before the server stores it (`seq` 0 until then). */
export function echo(
  chatId: string,
  senderId: string,
  clientId: string,
  text: string | null,
  replyTo: string | null,
  attachments: Attachment[],
  now: number,
): LocalMessage {
  return {
    id: localId(clientId),
    chatId,
    seq: 0,
    version: 0,
    senderId,
    clientId,
    kind: text === null && attachments.length > 0 ? 'file' : 'text',
    text,
    attachments,
    replyTo,
    reactions: {},
    createdAt: new Date(now).toISOString(),
    editedAt: null,
    deletedAt: null,
    key: localId(clientId),
    status: 'sending',
    error: null,
  };
}

/**
 * Reactions of a live event carry `me: false` (one event goes to every member): `me` comes from what
 * this client knew, changed by the event's own `reaction` when it was the current user's.
 */
export function liveReactions(
  incoming: Message,
  previous: Message | undefined,
  reaction: MessageEvent['reaction'],
  userId: string,
): Message['reactions'] {
  const reactions: Message['reactions'] = {};
  for (const [emoji, summary] of Object.entries(incoming.reactions)) {
    let me = previous?.reactions[emoji]?.me ?? false;
    if (reaction && reaction.emoji === emoji && reaction.userId === userId) me = reaction.action === 'added';
    reactions[emoji] = { count: summary.count, me: me && summary.count > 0 };
  }
  return reactions;
}

/**
 * A chat's loaded messages: the stored ones in `seq` order, from `floorSeq` (older ones are not
 * loaded) up, then the local echoes in the order they were sent. Mutated in place by the chat;
 * `snapshot()` hands out an immutable copy.
 */
export class MessageWindow {
  private stored: LocalMessage[] = [];
  private echoes: LocalMessage[] = [];
  private readonly seqById = new Map<string, number>();
  /** Messages with a smaller seq are not loaded (0: the whole history is). */
  floorSeq = 0;

  get size(): number {
    return this.stored.length;
  }

  get oldest(): LocalMessage | undefined {
    return this.stored[0];
  }

  get newest(): LocalMessage | undefined {
    return this.stored.at(-1);
  }

  bySeq(seq: number): LocalMessage | undefined {
    const index = this.find(seq);
    return index >= 0 ? this.stored[index] : undefined;
  }

  byId(id: string): LocalMessage | undefined {
    const seq = this.seqById.get(id);
    return seq === undefined ? this.echoes.find((m) => m.id === id) : this.bySeq(seq);
  }

  echoOf(clientId: string): LocalMessage | undefined {
    return this.echoes.find((m) => m.clientId === clientId);
  }

  /** Adds or replaces a stored message at its seq. */
  put(message: LocalMessage): void {
    const index = this.find(message.seq);
    if (index >= 0) this.stored[index] = message;
    else this.stored.splice(-index - 1, 0, message);
    this.seqById.set(message.id, message.seq);
  }

  putEcho(message: LocalMessage): void {
    const index = this.echoes.findIndex((m) => m.clientId === message.clientId);
    if (index >= 0) this.echoes[index] = message;
    else this.echoes.push(message);
  }

  removeEcho(clientId: string): LocalMessage | undefined {
    const index = this.echoes.findIndex((m) => m.clientId === clientId);
    return index >= 0 ? this.echoes.splice(index, 1)[0] : undefined;
  }

  /** Replaces the stored messages with seq above `afterSeq` for which `change` answers a new object. */
  restyle(afterSeq: number, change: (message: LocalMessage) => LocalMessage): boolean {
    let changed = false;
    for (let i = this.stored.length - 1; i >= 0 && this.stored[i]!.seq > afterSeq; i--) {
      const next = change(this.stored[i]!);
      if (next !== this.stored[i]) {
        this.stored[i] = next;
        changed = true;
      }
    }
    return changed;
  }

  storedMessages(): readonly LocalMessage[] {
    return this.stored;
  }

  snapshot(): LocalMessage[] {
    return this.echoes.length ? this.stored.concat(this.echoes) : this.stored.slice();
  }

  /** Index of `seq`, or `-(insertion point) - 1` when absent. Appends are the common case. */
  private find(seq: number): number {
    const stored = this.stored;
    const last = stored.at(-1);
    if (!last || last.seq < seq) return -stored.length - 1;
    let low = 0;
    let high = stored.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = stored[middle]!.seq;
      if (at === seq) return middle;
      if (at < seq) low = middle + 1;
      else high = middle - 1;
    }
    return -low - 1;
  }
}
