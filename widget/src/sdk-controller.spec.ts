import { describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadonlyStore } from '@parley/sdk';
import { StoreController } from './sdk-controller.js';

/** A store like the SDK's, counting its subscribers. */
function store<T>(initial: T): ReadonlyStore<T> & { set(value: T): void; listeners: number } {
  let value = initial;
  const listeners = new Set<(state: T, previous: T) => void>();
  return {
    get: () => value,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next: T) {
      const previous = value;
      value = next;
      for (const listener of listeners) listener(next, previous);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

function host(): ReactiveControllerHost & { updates: number; controllers: ReactiveController[] } {
  return {
    updates: 0,
    controllers: [],
    addController(controller) {
      this.controllers.push(controller);
    },
    removeController() {},
    requestUpdate() {
      this.updates += 1;
    },
    updateComplete: Promise.resolve(true),
  };
}

describe('StoreController', () => {
  it('subscribes in hostConnected, unsubscribes in hostDisconnected, and renders on changes', () => {
    const element = host();
    const counter = store(1);
    const controller = new StoreController<number>(element);
    expect(element.controllers).toContain(controller);
    controller.store = counter;
    expect(counter.listeners).toBe(0); // not connected yet
    controller.hostConnected();
    expect(counter.listeners).toBe(1);
    const before = element.updates;
    counter.set(2);
    expect(controller.value).toBe(2);
    expect(element.updates).toBe(before + 1);
    controller.hostDisconnected();
    expect(counter.listeners).toBe(0);
  });

  it('moves its subscription when the store is swapped or cleared', () => {
    const element = host();
    const a = store('a');
    const b = store('b');
    const seen: string[] = [];
    const controller = new StoreController<string>(element, (state) => seen.push(state));
    controller.hostConnected();
    controller.store = a;
    controller.store = b;
    expect([a.listeners, b.listeners]).toEqual([0, 1]);
    b.set('b2');
    controller.store = null;
    expect(b.listeners).toBe(0);
    expect(controller.value).toBeUndefined();
    expect(seen).toEqual(['a', 'b', 'b2']);
  });
});
