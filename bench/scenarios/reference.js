import pg from 'pg';
import { range } from '../lib/options.js';
import { driveTraffic } from '../lib/realtime-scenario.js';
import { closeSockets, openSockets } from '../lib/realtime.js';
import { startReferenceServer } from '../lib/server.js';
import { groupTraffic } from './realtime-group.js';
import { PAIRS, pairsTraffic } from './realtime-pairs.js';

/** Rows the insert reference stored, and how many of them repeat a (chat, clientId). */
async function storedRows(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT count(*)::int AS stored, (count(*) - count(DISTINCT (chat_id, client_id)))::int AS doubled
         FROM messages`,
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

const PAIR_CHATS = range(PAIRS).map((i) => `chat-${i}`);

/** The 1:1 shape of `realtime-1to1-*`: 100 chats of two sockets. */
export const PAIRS_SHAPE = {
  describe: { pairs: PAIRS },
  chatOfSocket: range(PAIRS * 2).map((s) => PAIR_CHATS[Math.floor(s / 2)]),
  plan: (sockets) => pairsTraffic(sockets, PAIR_CHATS),
};

/** The shape of `realtime-group-100`: one chat of 100 sockets, the first 10 sending. */
export const GROUP_SHAPE = {
  describe: { members: 100, senders: 10, perSenderPerSec: 20 },
  chatOfSocket: range(100).map(() => 'group'),
  plan: (sockets) => groupTraffic(sockets, 'group', 10),
};

/**
 * The traffic of a realtime scenario (its `shape`: the same sockets, generator, phases and figures)
 * against one of the reference servers (bench/lib/reference-server.js) in place of Parley: a
 * bare socket.io relay (`relay`), or the same with one INSERT per message (`insert`). They measure
 * the machine and the generator on the day, to read Parley's figures against the reference
 * points. The server's CPU is the reference server's.
 */
export async function referenceScenario({ name, mode, rate, shape }) {
  const server = await startReferenceServer({ mode });
  let sockets = [];
  try {
    const opened = await openSockets(
      server.baseUrl,
      shape.chatOfSocket.map((chatId) => ({ chatId })),
      { concurrency: 50 },
    );
    sockets = opened.sockets;
    if (opened.failed > 0)
      throw new Error(`${opened.failed} sockets failed to connect: ${JSON.stringify(opened.failures)}`);
    const { warmup, run, usage, disconnects } = await driveTraffic({
      server,
      sockets,
      traffic: shape.plan(sockets),
      rate,
    });
    const persisted =
      mode === 'insert'
        ? { persisted: { acked: warmup.acks.ok + run.acks.ok, ...(await storedRows(server.databaseUrl)) } }
        : {};
    return {
      scenario: name,
      reference: mode,
      ...shape.describe,
      sockets: sockets.length,
      ...run,
      ...persisted,
      warmup: { sent: warmup.sent, lost: warmup.lost, latencyP99Ms: warmup.latencyMs.p99 },
      disconnects: disconnects.count,
      ...usage,
    };
  } finally {
    closeSockets(sockets);
    await server.stop();
  }
}
