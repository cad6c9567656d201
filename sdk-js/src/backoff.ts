/** How reconnection and retries wait: exponential growth with random jitter. */
export interface BackoffOptions {
  /**
   * First delay.
   * @default 500
   */
  initialDelayMs?: number;
  /**
   * Longest delay.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Growth per attempt.
   * @default 2
   */
  factor?: number;
  /**
   * Share of each delay that is random (0 none, 1 all): `0.5` waits between half and all of it, so that
   * many clients dropped at once do not come back at once.
   * @default 0.5
   */
  jitter?: number;
}

const DEFAULTS: Required<BackoffOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
};

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const { initialDelayMs, maxDelayMs, factor, jitter } = { ...DEFAULTS, ...options };
  const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** Math.min(attempt, 64));
  const spread = Math.min(1, Math.max(0, jitter));
  return Math.round(ceiling * (1 - spread * random()));
}
