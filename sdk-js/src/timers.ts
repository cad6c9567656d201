/**
 * The clock and timers every SDK module schedules with. Inject your own (fake timers, a test clock)
 * through `ParleyClient` options; the default is the platform's.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
  now: () => Date.now(),
};

/** One pending timer that can be re-armed; cancelling an idle one does nothing. */
export class Timer {
  private handle: unknown = null;

  constructor(private readonly timers: Timers) {}

  get pending(): boolean {
    return this.handle !== null;
  }

  /** Runs `callback` after `ms`, replacing whatever was scheduled. */
  set(ms: number, callback: () => void): void {
    this.cancel();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      callback();
    }, ms);
  }

  cancel(): void {
    if (this.handle === null) return;
    this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
