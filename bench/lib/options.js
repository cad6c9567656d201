/** `BENCH_QUICK=1` shrinks every scenario (fewer rows, shorter windows): a smoke run, not a measurement. */
export const QUICK = process.env.BENCH_QUICK === '1';

export const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Tenant user ids of the benchmarks: `u0000`, `u0001`, … */
export const userId = (i) => `u${String(i).padStart(4, '0')}`;

export const round1 = (value) => Math.round(value * 10) / 10;
