/**
 * Ranks the hot spots of a V8 CPU profile (`.cpuprofile`, e.g. from `BENCH_CPU_PROF=1`):
 *
 *   node bench/profile-summary.js /tmp/parley-bench-prof/CPU.….cpuprofile [--window <fromUs>,<toUs>] [--top 25]
 *
 * `--window` keeps only the samples taken between two monotonic timestamps in microseconds — the
 * `profileWindowUs` a scenario line carries when profiling — so that boot and setup do not count.
 * Prints JSON: self time by function, self time by file or package, and total (inclusive) time by
 * function of the repository's own code (dist/), in percent of the samples in the window.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--') && !/^[\d,.]+$/.test(arg));
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-summary.js <file.cpuprofile> [--window fromUs,toUs] [--top N]\n',
  );
  process.exit(2);
}
const top = Number(option('top') ?? 25);
const [fromUs, toUs] = (option('window') ?? '0,Infinity').split(',').map(Number);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const root = new URL('..', import.meta.url).pathname;
/** A readable place: a package of node_modules, a file of the repository, or node's own internals. */
function place(url) {
  if (!url) return '(native/vm)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const [first, second] = path.slice(inModules + 14).split('/');
    return `${first.startsWith('@') ? `${first}/${second}` : first} (package)`;
  }
  return path.startsWith(root) ? path.slice(root.length) : path;
}
const frameName = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${place(url)}${url ? `:${lineNumber + 1}` : ''}`;
};

// Sample i was taken at startTime + sum(timeDeltas[0..i]); its time is the gap to the next sample.
const self = new Map();
const selfByPlace = new Map();
const inclusive = new Map();
let total = 0;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i += 1) {
  at += profile.timeDeltas[i] ?? 0;
  if (at < fromUs || at > toUs) continue;
  const weight = profile.timeDeltas[i + 1] ?? 0;
  if (weight <= 0) continue;
  const node = byId.get(profile.samples[i]);
  total += weight;
  const name = frameName(node);
  self.set(name, (self.get(name) ?? 0) + weight);
  const where = node.callFrame.url ? place(node.callFrame.url) : node.callFrame.functionName || '(native/vm)';
  selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + weight);
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id);
    if (!frame.callFrame.url.includes('/dist/')) continue;
    const key = frameName(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + weight);
  }
}

const ranked = (map, n) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ pct: Math.round((us / total) * 1000) / 10, name }));

process.stdout.write(
  JSON.stringify(
    {
      file,
      sampledS: Math.round(total / 1e5) / 10,
      selfByFunction: ranked(self, top),
      selfByPlace: ranked(selfByPlace, 15),
      inclusiveOwnCode: ranked(inclusive, top),
    },
    null,
    1,
  ) + '\n',
);
