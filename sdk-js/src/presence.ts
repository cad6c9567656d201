import type { List, Presence } from '@parley/protocol';
import type { ClientContext } from './context.js';
import { Store, type ReadonlyStore } from './store.js';

/** The server answers at most this many users per `GET /v1/presence`. */
const USERS_PER_REQUEST = 100;

/**
 * `client.presence`: who is online. `query()` asks the server (and keeps those users' presence
 * current from then on); `presence` events from the user's direct chats and small groups update the
 * store; after a reconnect the users asked about are asked again.
 */
export class PresenceModule {
  private readonly store: Store<Readonly<Record<string, Presence>>>;
  private readonly watched = new Set<string>();

  constructor(private readonly context: () => ClientContext) {
    this.store = new Store<Readonly<Record<string, Presence>>>({});
  }

  /** Presence by user id: `client.presence.state.get()['ann']?.online`. */
  get state(): ReadonlyStore<Readonly<Record<string, Presence>>> {
    return this.store;
  }

  get(userId: string): Presence | undefined {
    return this.store.get()[userId];
  }

  /** Asks the server about these users (unknown users are left out of the answer). */
  async query(userIds: string[]): Promise<Presence[]> {
    const unique = [...new Set(userIds)];
    for (const userId of unique) this.watched.add(userId);
    const answers: Presence[] = [];
    for (let i = 0; i < unique.length; i += USERS_PER_REQUEST) {
      const page = await this.context().http.request<List<Presence>>('GET', '/v1/presence', {
        query: { userIds: unique.slice(i, i + USERS_PER_REQUEST).join(',') },
      });
      answers.push(...page.data);
    }
    this.merge(answers);
    return answers;
  }

  onEvent(presence: Presence): void {
    this.merge([presence]);
  }

  onOnline(): void {
    if (this.watched.size === 0) return;
    this.query([...this.watched]).catch((error: unknown) =>
      this.context().logger.warn('Presence not refreshed', error),
    );
  }

  private merge(list: Presence[]): void {
    if (list.length === 0) return;
    this.store.update((state) => {
      const next = { ...state };
      for (const presence of list) next[presence.userId] = presence;
      return next;
    });
  }
}
