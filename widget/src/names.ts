import type { Chat, ReadonlyStore, Unsubscribe, User } from '@parley/sdk';

/** The other person of a direct chat, or null for groups. */
export function peerOf(chat: Chat, me: string): string | null {
  if (chat.kind !== 'direct' || !chat.directMembers) return null;
  return chat.directMembers.find((id) => id !== me) ?? null;
}

/** A chat's title: its own, or for a direct chat the other person's name. */
export function chatTitle(
  chat: Chat,
  me: string,
  names: Readonly<Record<string, string>>,
  fallback: string,
): string {
  if (chat.title) return chat.title;
  const peer = peerOf(chat, me);
  return peer ? (names[peer] ?? peer) : fallback;
}

/** Users per `GET /v1/users` request. */
const BATCH = 100;

/**
 * Display names by user id, fetched on demand: `want(ids)` collects the ids asked for during one
 * task and fetches the unknown ones together. Unknown users keep their id as name.
 */
export class NameDirectory implements ReadonlyStore<Readonly<Record<string, string>>> {
  private names: Readonly<Record<string, string>> = {};
  private readonly asked = new Set<string>();
  private pending: string[] = [];
  private readonly listeners = new Set<
    (state: Record<string, string>, previous: Record<string, string>) => void
  >();

  constructor(private readonly fetchUsers: (ids: string[]) => Promise<User[]>) {}

  readonly get = (): Readonly<Record<string, string>> => this.names;

  readonly subscribe = (
    listener: (state: Record<string, string>, previous: Record<string, string>) => void,
  ): Unsubscribe => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  want(ids: Iterable<string | null | undefined>): void {
    for (const id of ids) {
      if (!id || this.asked.has(id)) continue;
      this.asked.add(id);
      if (this.pending.push(id) === 1) queueMicrotask(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    const ids = this.pending;
    this.pending = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      try {
        const users = await this.fetchUsers(batch);
        const next = { ...this.names };
        for (const user of users) if (user.name) next[user.id] = user.name;
        this.set(next);
      } catch {
        // Names are a nicety: ids stay shown, and the next want() of these ids does not ask again.
      }
    }
  }

  private set(next: Record<string, string>): void {
    const previous = this.names;
    this.names = next;
    for (const listener of [...this.listeners]) listener(next, previous);
  }
}
