/**
 * Which of a chat's versions have been applied. Every change in a chat takes the next number of its
 * counter, so versions arrive contiguous; a gap means an event is late or was missed, and a catch-up
 * (`changes?since=`) from `applied` fills it.
 */
export class VersionTracker {
  /** Every change up to this version has been applied. */
  applied = 0;
  /** Versions seen above `applied`, waiting for the ones between. */
  private readonly ahead = new Set<number>();

  /** True while a version above `applied` was seen without the ones before it. */
  get gap(): boolean {
    return this.ahead.size > 0;
  }

  /** A change with this version was applied (a live event or an ack). */
  saw(version: number): void {
    if (version <= this.applied) return;
    if (version === this.applied + 1) this.applied = version;
    else this.ahead.add(version);
    this.settle();
  }

  /** A catch-up brought everything up to `version`. */
  caughtUpTo(version: number): void {
    this.applied = Math.max(this.applied, version);
    for (const seen of this.ahead) if (seen <= this.applied) this.ahead.delete(seen);
    this.settle();
  }

  private settle(): void {
    while (this.ahead.delete(this.applied + 1)) this.applied += 1;
  }
}
