/**
 * The virtualiser of the message view, as pure arithmetic: which rows of a long list are in the
 * viewport (plus an overscan margin), and the empty space before and after them. Heights are
 * measured once rendered and estimated before. No DOM: unit-tested in `virtual-window.spec.ts`.
 */

export interface WindowRange {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixels of the rows before `start`. */
  before: number;
  /** Pixels of the rows from `end` on. */
  after: number;
  /** Pixels of all rows. */
  total: number;
}

export class VirtualWindow {
  private readonly heights = new Map<string, number>();
  private keys: readonly string[] = [];
  private offsets = new Float64Array(1);
  private stale = true;
  private measured = 0;
  private measuredCount = 0;

  /**
   * @param estimate height of a row before any is measured, in pixels (then: their average)
   * @param overscan pixels rendered beyond each edge of the viewport
   */
  constructor(
    readonly estimate = 64,
    readonly overscan = 600,
  ) {}

  /** The rows, in order, by key. Offsets are recomputed lazily when the keys or heights change. */
  setKeys(keys: readonly string[]): void {
    if (keys !== this.keys) {
      this.keys = keys;
      this.stale = true;
    }
  }

  /** Records a rendered row's height; answers whether it changed. */
  measure(key: string, height: number): boolean {
    const known = this.heights.get(key);
    if (known === height) return false;
    if (known === undefined) this.measuredCount += 1;
    this.measured += height - (known ?? 0);
    this.heights.set(key, height);
    this.stale = true;
    return true;
  }

  /** Forgets every measurement (after the width changed, rows reflow). */
  reset(): void {
    this.heights.clear();
    this.measured = this.measuredCount = 0;
    this.stale = true;
  }

  /** Pixels from the top of the list to the top of row `index` (`index === length`: the total). */
  offsetOf(index: number): number {
    return this.table()[Math.max(0, Math.min(index, this.keys.length))]!;
  }

  /** Index of a row by key, or -1. */
  indexOf(key: string): number {
    return this.keys.indexOf(key);
  }

  /** Index of the row that contains pixel `y` (clamped to the list). */
  indexAt(y: number): number {
    const offsets = this.table();
    let low = 0;
    let high = this.keys.length - 1;
    if (high < 0) return 0;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (offsets[middle]! <= y) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The rows to render for a viewport of `height` pixels scrolled to `scrollTop`. */
  range(scrollTop: number, height: number): WindowRange {
    const count = this.keys.length;
    const offsets = this.table();
    const total = offsets[count]!;
    if (count === 0) return { start: 0, end: 0, before: 0, after: 0, total: 0 };
    const start = this.indexAt(Math.max(0, scrollTop - this.overscan));
    let end = this.indexAt(scrollTop + height + this.overscan) + 1;
    end = Math.min(count, Math.max(end, start + 1));
    return { start, end, before: offsets[start]!, after: total - offsets[end]!, total };
  }

  private table(): Float64Array {
    if (!this.stale) return this.offsets;
    const count = this.keys.length;
    const guess = this.measuredCount ? this.measured / this.measuredCount : this.estimate;
    const offsets = this.offsets.length === count + 1 ? this.offsets : new Float64Array(count + 1);
    for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + (this.heights.get(this.keys[i]!) ?? guess);
    this.offsets = offsets;
    this.stale = false;
    return offsets;
  }
}
