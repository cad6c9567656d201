/**
 * `npm run bench` runs every scenario; `node bench/run.js <scenario>…` runs only those named.
 * One JSON line per measurement goes to stdout; progress goes to stderr. See bench/README.md.
 */
import { describeEnvironment, describeEnvironmentAtEnd } from './lib/environment.js';
import { abortLoad } from './lib/load.js';
import { cleanupAll } from './lib/server.js';
import { historyScenario } from './scenarios/history.js';
import { groupScenario } from './scenarios/realtime-group.js';
import { idleScenario } from './scenarios/realtime-idle.js';
import { pairsScenario } from './scenarios/realtime-pairs.js';
import { GROUP_SHAPE, PAIRS_SHAPE, referenceScenario } from './scenarios/reference.js';
import { searchScenario } from './scenarios/search.js';
import { sendScenario } from './scenarios/send.js';
import { writeCostScenario } from './scenarios/write-cost.js';

const SCENARIOS = {
  'send-one-chat': () => sendScenario({ name: 'send-one-chat', chats: 1 }),
  'send-1000-chats': () => sendScenario({ name: 'send-1000-chats', chats: 1_000 }),
  'write-cost': () => writeCostScenario({ name: 'write-cost' }),
  history: () => historyScenario({ name: 'history' }),
  search: () => searchScenario({ name: 'search' }),
  'realtime-1to1-1000': () => pairsScenario({ name: 'realtime-1to1-1000', rate: 1_000 }),
  'realtime-1to1-3000': () => pairsScenario({ name: 'realtime-1to1-3000', rate: 3_000 }),
  'realtime-1to1-6000': () => pairsScenario({ name: 'realtime-1to1-6000', rate: 6_000 }),
  'realtime-1to1-10000': () => pairsScenario({ name: 'realtime-1to1-10000', rate: 10_000 }),
  'realtime-group-100': () =>
    groupScenario({ name: 'realtime-group-100', members: 100, senders: 10, perSender: 20 }),
  'realtime-idle-10000': () => idleScenario({ name: 'realtime-idle-10000' }),
  'reference-relay-6000': () =>
    referenceScenario({ name: 'reference-relay-6000', mode: 'relay', rate: 6_000, shape: PAIRS_SHAPE }),
  'reference-relay-12000': () =>
    referenceScenario({ name: 'reference-relay-12000', mode: 'relay', rate: 12_000, shape: PAIRS_SHAPE }),
  'reference-insert-3000': () =>
    referenceScenario({ name: 'reference-insert-3000', mode: 'insert', rate: 3_000, shape: PAIRS_SHAPE }),
  'reference-relay-group-100': () =>
    referenceScenario({ name: 'reference-relay-group-100', mode: 'relay', rate: 200, shape: GROUP_SHAPE }),
  'fanout-10000': () =>
    import('./scenarios/fanout.js').then((m) => m.fanoutScenario({ name: 'fanout-10000' })),
  'widget-size': () =>
    import('./scenarios/widget.js').then((m) => m.widgetSizeScenario({ name: 'widget-size' })),
  'widget-first-message': () =>
    import('./scenarios/widget.js').then((m) =>
      m.widgetFirstMessageScenario({ name: 'widget-first-message' }),
    ),
};

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const emit = (result) => process.stdout.write(JSON.stringify(result) + '\n');

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping the API and dropping its database`);
    abortLoad();
    void cleanupAll().finally(() => process.exit(130));
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`,
  );
  process.exit(2);
}

let failed = false;
const started = performance.now();
emit(await describeEnvironment());
for (const name of wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) {
  if (interrupted) break;
  log(`${name}…`);
  const scenarioStart = performance.now();
  try {
    const results = await SCENARIOS[name]();
    // Figures cut short by Ctrl-C are not figures.
    if (!interrupted) for (const result of Array.isArray(results) ? results : [results]) emit(result);
  } catch (error) {
    failed = true;
    if (!interrupted) emit({ scenario: name, error: error instanceof Error ? error.message : String(error) });
  }
  log(`${name} took ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s`);
}
await cleanupAll();
if (interrupted) process.exit(130);
emit(await describeEnvironmentAtEnd());
log(`all done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
