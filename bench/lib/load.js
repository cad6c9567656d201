import { summarize } from './stats.js';

let aborted = false;
/** Stops every load loop after its in-flight requests (Ctrl-C). */
export function abortLoad() {
  aborted = true;
}
/** Whether Ctrl-C asked every loop to stop. */
export const isAborted = () => aborted;

/**
 * Keeps `concurrency` requests in flight until `maxRequests` have been issued or `maxMs` has passed,
 * whichever comes first. `send(i, worker)` issues request number `i` and answers `{ status, ms, text }`;
 * `check(res, i)`, when given, says whether a 2xx answer has the expected content.
 */
export async function runLoad({ concurrency, maxRequests, maxMs, send, check }) {
  const latencies = new Float64Array(maxRequests);
  const statuses = {};
  let issued = 0;
  let completed = 0;
  let ok = 0;
  let unexpected = 0;
  let failures = 0;
  let lastFailure = null;
  const start = performance.now();
  const deadline = start + maxMs;

  async function worker(w) {
    while (!aborted && issued < maxRequests && performance.now() < deadline) {
      const i = issued++;
      try {
        const res = await send(i, w);
        latencies[completed++] = res.ms;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 200 && res.status < 300) {
          ok++;
          if (check && !check(res, i)) unexpected++;
        } else lastFailure ??= `${res.status}: ${res.text.slice(0, 200)}`;
      } catch (error) {
        failures++;
        lastFailure ??= error.message;
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const durationMs = performance.now() - start;
  return {
    requests: completed + failures,
    ok,
    /** Non-2xx answers plus requests that got no answer at all. */
    errors: completed - ok + failures,
    unexpected,
    statuses,
    lastFailure,
    durationMs,
    perSecond: ok / (durationMs / 1000),
    latencyMs: summarize(latencies.subarray(0, completed)),
  };
}

/** Runs `fn` over `items` with at most `limit` calls at once (setup work); answers results in order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (!aborted && next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
