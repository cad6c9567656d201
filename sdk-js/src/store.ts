import type { Unsubscribe } from './emitter.js';

/**
 * A value that changes, and tells its subscribers. Each state is a new immutable snapshot, so
 * `get()` works as React's `useSyncExternalStore(store.subscribe, store.get)` and in any framework.
 */
export interface ReadonlyStore<T> {
  get(): T;
  /** Calls `listener` after every change, with the new and the previous state. */
  subscribe(listener: (state: T, previous: T) => void): Unsubscribe;
}

export class Store<T> implements ReadonlyStore<T> {
  private state: T;
  private readonly listeners = new Set<(state: T, previous: T) => void>();

  constructor(
    initial: T,
    private readonly onListenerError: (error: unknown) => void = () => undefined,
  ) {
    this.state = initial;
  }

  // Arrow properties: `get` and `subscribe` can be passed around unbound.
  readonly get = (): T => this.state;

  readonly subscribe = (listener: (state: T, previous: T) => void): Unsubscribe => {
    const entry = (state: T, previous: T): void => listener(state, previous);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  };

  set(next: T): void {
    if (Object.is(next, this.state)) return;
    const previous = this.state;
    this.state = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next, previous);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  update(change: (state: T) => T): void {
    this.set(change(this.state));
  }
}
