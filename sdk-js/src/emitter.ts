import type { Logger } from './logger.js';

export type Listener<T> = (payload: T) => void;
/** Removes the listener it was returned for; calling it twice does nothing. */
export type Unsubscribe = () => void;

/**
 * A typed event emitter. A listener that throws is logged and does not stop the others, nor the
 * SDK code that emitted.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly logger: Logger) {}

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    // Wrapped, so that the same function added twice is two subscriptions with two unsubscribes.
    const entry: Listener<Events[E]> = (payload) => listener(payload);
    set.add(entry as Listener<never>);
    return () => {
      set.delete(entry as Listener<never>);
    };
  }

  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): Unsubscribe {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(payload);
      } catch (error) {
        this.logger.error(`A listener of "${String(event)}" threw`, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
