import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadonlyStore, Unsubscribe } from '@parley/sdk';

/**
 * Delivers an SDK store (a chat, the chat list, presence, the connection) to a Lit element: it
 * subscribes in `hostConnected`, unsubscribes in `hostDisconnected`, and asks the host to render on
 * every change. `store` may be swapped (another chat) or cleared at any time.
 */
export class StoreController<T> implements ReactiveController {
  private source: ReadonlyStore<T> | null = null;
  private off: Unsubscribe | null = null;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onChange?: (state: T, previous: T | undefined) => void,
  ) {
    host.addController(this);
  }

  /** The current state, or undefined without a store. */
  get value(): T | undefined {
    return this.source?.get();
  }

  get store(): ReadonlyStore<T> | null {
    return this.source;
  }

  set store(store: ReadonlyStore<T> | null) {
    if (store === this.source) return;
    this.unsubscribe();
    this.source = store;
    if (this.connected) this.subscribe();
    if (store) this.onChange?.(store.get(), undefined);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe();
  }

  private subscribe(): void {
    if (!this.source || this.off) return;
    this.off = this.source.subscribe((state, previous) => {
      this.onChange?.(state, previous);
      this.host.requestUpdate();
    });
  }

  private unsubscribe(): void {
    this.off?.();
    this.off = null;
  }
}
