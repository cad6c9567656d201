/**
 * Preloaded into the API (`node --expose-gc --import bench/lib/memory-probe.js`) by scenarios that
 * measure memory; not part of the server. On SIGUSR2 it runs a full garbage collection twice, half a
 * second apart, then writes `process.memoryUsage()` to `$BENCH_MEMORY_FILE` (atomically, by rename).
 */
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    setTimeout(() => {
      globalThis.gc?.();
      writeFileSync(
        `${file}.tmp`,
        JSON.stringify({ gc: typeof globalThis.gc === 'function', ...process.memoryUsage() }),
      );
      renameSync(`${file}.tmp`, file);
    }, 500);
  });
}
