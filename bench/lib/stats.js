/** Latency summaries: nearest-rank percentiles over every sample, in milliseconds. */

const round = (value, digits = 2) => Number(value.toFixed(digits));

/** `samples` is a (typed) array of milliseconds; answers p50/p95/p99/max/mean rounded to 0.01 ms. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { p50: null, p95: null, p99: null, max: null, mean: null };
  const at = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[n - 1]),
    mean: round(sum / n),
  };
}

export { round };
