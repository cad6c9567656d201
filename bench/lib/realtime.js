import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import { io } from 'socket.io-client';
import { isAborted, mapLimit } from './load.js';
import { round1 } from './options.js';
import { summarize } from './stats.js';

/**
 * Real socket.io clients for the realtime scenarios: each one its own websocket (`forceNew`, no
 * multiplexing), websocket transport only, no automatic reconnection (a dropped socket is a finding,
 * not something to paper over).
 */
export function openSocket(baseUrl, auth, { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve) => {
    const socket = io(`${baseUrl}/v1`, {
      transports: ['websocket'],
      auth,
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
    });
    const start = performance.now();
    const done = (error) => {
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      if (error) socket.close();
      resolve({ socket: error ? null : socket, ms: performance.now() - start, error });
    };
    const onConnect = () => done(null);
    const onError = (error) => done(error?.data?.code ?? error?.message ?? 'connect_error');
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}

/**
 * Opens one socket per entry of `auths` with at most `concurrency` handshakes at once. Answers the
 * sockets in order (null where the handshake failed), how many failed and why, and handshake times.
 */
export async function openSockets(baseUrl, auths, { concurrency = 50, timeoutMs } = {}) {
  const times = new Float64Array(auths.length);
  const failures = {};
  let failed = 0;
  const start = performance.now();
  const sockets = await mapLimit(auths, concurrency, async (auth, i) => {
    const { socket, ms, error } = await openSocket(baseUrl, auth, { timeoutMs });
    times[i] = ms;
    if (!socket) {
      failed += 1;
      failures[error] = (failures[error] ?? 0) + 1;
    }
    return socket;
  });
  return {
    sockets,
    failed,
    failures,
    seconds: (performance.now() - start) / 1000,
    handshakeMs: summarize(times.subarray(0, sockets.length)),
  };
}

export function closeSockets(sockets) {
  for (const socket of sockets) socket?.close();
}

/** How many sockets were closed by the server (or their transport) while the scenario ran. */
export function watchDisconnects(sockets) {
  const state = { count: 0, reasons: {} };
  for (const socket of sockets) {
    socket?.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      state.count += 1;
      state.reasons[reason] = (state.reasons[reason] ?? 0) + 1;
    });
  }
  return state;
}

/** The SDK's default `deliveredDelayMs`: it reports what reached a device at most this often. */
const SDK_DELIVERED_DELAY_MS = 500;

/**
 * A receiving client's `delivered` reports, the way the SDK sends them: the highest seq seen per chat,
 * at most once per `everyMs` per socket (the first receipt starts the wait). Acks are counted.
 */
export function deliveredReporter(socket, counters, { everyMs = SDK_DELIVERED_DELAY_MS } = {}) {
  const highest = new Map();
  const reported = new Map();
  let timer = null;
  const flush = () => {
    timer = null;
    for (const [chatId, seq] of highest) {
      if ((reported.get(chatId) ?? -1) >= seq) continue;
      reported.set(chatId, seq);
      counters.sent += 1;
      socket.emit('delivered', { chatId, seq }, (reply) => {
        if (reply?.ok) counters.ok += 1;
        else {
          counters.failed += 1;
          counters.firstError ??= reply?.error?.code ?? 'no ack payload';
        }
      });
    }
  };
  return {
    saw(chatId, seq) {
      if ((highest.get(chatId) ?? -1) < seq) highest.set(chatId, seq);
      timer ??= setTimeout(flush, everyMs);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export const newDeliveredCounters = () => ({ sent: 0, ok: 0, failed: 0, firstError: null });

/**
 * Calls `send(k, scheduledAt)` for k = 0…total-1 on a fixed timeline (message k is due at
 * t0 + k / rate), without waiting for anything in between: a late tick sends everything that has come
 * due. Answers how late the sends went out against their schedule (the generator's own lag).
 * Bounded: stops at `total` sends, on abort, or `graceMs` after the window should have ended.
 */
export function paceSends({ rate, durationMs, send, graceMs = 10_000 }) {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const intervalMs = 1000 / rate;
  const lags = new Float64Array(total);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const hardStop = t0 + durationMs + graceMs;
    let k = 0;
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / intervalMs) + 1);
      while (k < due) {
        const scheduledAt = t0 + k * intervalMs;
        send(k, scheduledAt);
        lags[k] = performance.now() - scheduledAt;
        k += 1;
      }
      if (k >= total || isAborted() || performance.now() > hardStop) {
        resolve({
          t0,
          total,
          sent: k,
          seconds: (performance.now() - t0) / 1000,
          lagMs: summarize(lags.subarray(0, k)),
        });
        return;
      }
      setTimeout(tick, Math.max(0, t0 + k * intervalMs - performance.now()));
    };
    tick();
  });
}

/** Polls `done()` every 50 ms until it holds or `maxMs` passed; answers whether it held. */
export async function waitFor(done, maxMs) {
  const deadline = performance.now() + maxMs;
  while (!done()) {
    if (performance.now() > deadline || isAborted()) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The send timestamp the sender put at the end of a message's text: `…@<performance.now()>`. */
export function sentAtOf(text) {
  return Number(text.slice(text.lastIndexOf('@') + 1));
}

/** How many messages are stored, and how many seqs are missing below each chat's highest. */
export async function storedMessages(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT coalesce(sum(n), 0)::int AS messages, coalesce(sum(top - n), 0)::int AS gaps
         FROM (SELECT count(*) AS n, max(seq) AS top FROM messages GROUP BY chat_id) per_chat`,
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

/** `BENCH_DELIVERED=off`: receivers send no `delivered` (a diagnostic, to see what receipts cost). */
export const REPORT_DELIVERED = process.env.BENCH_DELIVERED !== 'off';

const TEXT = 'The quick brown fox jumps over the lazy dog, realtime benchmark message ';

/**
 * Message traffic over already-connected sockets, for one phase (warm-up or measurement).
 *
 * - `senders`: `{ socket, chatId }`; message k (k = 0, 1, …) goes out from sender k mod senders.length
 *   at t0 + k / rate, whatever happened to earlier sends (their acks are not awaited; the server keeps
 *   each connection's order). Its clientId is `<prefix><k>`; its text ends with `@<performance.now()>`
 *   taken just before the emit.
 * - `receivers`: `{ socket }`; `expected(k)` answers the receiver indexes that must get message k.
 *   Each receiver records, per message, the time from that timestamp to its `message:new` (same process,
 *   same clock), counts duplicates and seq order, and reports `delivered` like the SDK (debounced).
 * - After the window it waits up to `drainMs` for every expected delivery and every ack; whatever has
 *   not arrived by then counts as lost (or as a missing ack).
 */
export function createTraffic({ senders, receivers, deliveredEveryMs = SDK_DELIVERED_DELAY_MS }) {
  const delivered = newDeliveredCounters();
  const reporters = receivers.map(({ socket }) =>
    deliveredReporter(socket, delivered, { everyMs: deliveredEveryMs }),
  );
  const lastSeq = new Float64Array(receivers.length).fill(-1);
  let phase = null;

  receivers.forEach(({ socket }, r) => {
    socket.on('message:new', ({ message }) => {
      const now = performance.now();
      const ph = phase;
      if (!ph) return;
      const clientId = message.clientId ?? '';
      if (!clientId.startsWith(ph.prefix)) {
        ph.foreign += 1; // a straggler of an earlier phase
        return;
      }
      const k = Number(clientId.slice(ph.prefix.length));
      const slot = r * ph.total + k;
      if (!(k >= 0 && k < ph.total)) {
        ph.foreign += 1;
        return;
      }
      if (ph.seen[slot]++ > 0) {
        ph.duplicates += 1;
        ph.duplicatesBy[r] += 1;
        return;
      }
      ph.latency[ph.received] = now - sentAtOf(message.text);
      ph.fromSchedule[ph.received] = now - ph.scheduledAt[k];
      ph.received += 1;
      ph.lastReceivedAt = now;
      if (now <= ph.windowEnd) ph.receivedInWindow += 1;
      if (message.seq <= lastSeq[r]) {
        ph.outOfOrder += 1;
        if (ph.outOfOrderExamples.length < 5)
          ph.outOfOrderExamples.push({ receiver: r, after: lastSeq[r], seq: message.seq });
      }
      lastSeq[r] = message.seq;
      if (REPORT_DELIVERED) reporters[r].saw(message.chatId, message.seq);
    });
  });
  // `receipt` events (members' delivered pointers moving) reach every member's socket: part of the load.
  let receipts = 0;
  for (const socket of new Set([...receivers, ...senders].map((s) => s.socket))) {
    socket.on('receipt', () => (receipts += 1));
  }

  async function run({ prefix, rate, durationMs, expected, expectedPerMessage, drainMs = 10_000 }) {
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const ph = {
      prefix,
      total,
      seen: new Uint8Array(receivers.length * total),
      latency: new Float64Array(total * expectedPerMessage),
      fromSchedule: new Float64Array(total * expectedPerMessage),
      sentAt: new Float64Array(total),
      scheduledAt: new Float64Array(total),
      ackLatency: new Float64Array(total),
      received: 0,
      receivedInWindow: 0,
      lastReceivedAt: 0,
      windowEnd: Infinity,
      duplicates: 0,
      duplicatesBy: new Uint32Array(receivers.length),
      outOfOrder: 0,
      outOfOrderExamples: [],
      foreign: 0,
      ackState: new Uint8Array(total), // 0 none yet, 1 ok, 2 failed
      acksOk: 0,
      acksFailed: 0,
      firstAckError: null,
    };
    phase = ph;
    // The generator's own event loop: a late timeline or late receipt processing inflates latencies.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const receiptsBefore = receipts;
    const deliveredBefore = { ...delivered };
    const pace = await paceSends({
      rate,
      durationMs,
      send(k, scheduledAt) {
        if (k === 0) ph.windowEnd = scheduledAt + durationMs;
        const { socket, chatId } = senders[k % senders.length];
        const sentAt = performance.now();
        ph.sentAt[k] = sentAt;
        ph.scheduledAt[k] = scheduledAt;
        socket.emit(
          'message:send',
          { chatId, clientId: `${prefix}${k}`, text: `${TEXT}${k}@${sentAt.toFixed(3)}` },
          (reply) => {
            if (reply?.ok) {
              ph.ackLatency[ph.acksOk] = performance.now() - ph.sentAt[k];
              ph.acksOk += 1;
              ph.ackState[k] = 1;
            } else {
              ph.ackState[k] = 2;
              ph.acksFailed += 1;
              ph.firstAckError ??= reply?.error ? `${reply.error.code}: ${reply.error.message}` : 'empty ack';
            }
          },
        );
      },
    });
    const expectedDeliveries = pace.sent * expectedPerMessage;
    const windowEndedAt = performance.now();
    const complete = await waitFor(
      () => ph.received >= expectedDeliveries && ph.acksOk + ph.acksFailed >= pace.sent,
      drainMs,
    );
    const drainS = (performance.now() - windowEndedAt) / 1000;
    loopDelay.disable();
    // Readings are whole timer intervals: the delay is the reading minus the 10 ms resolution.
    const loopMs = (ns) => Math.round(Math.max(0, ns / 1e6 - 10) * 10) / 10;

    // Lost: an expected delivery (receiver, message) of a message the server acked as stored that never
    // arrived. Messages with no ack yet when the drain gave up are still queued somewhere (or dropped
    // without an answer): counted apart. A message refused in its ack is not expected anywhere.
    const lostBy = new Uint32Array(receivers.length);
    let lost = 0;
    let undeliveredUnacked = 0;
    for (let k = 0; k < pace.sent; k += 1) {
      if (ph.ackState[k] === 2) continue;
      for (const r of expected(k)) {
        if (ph.seen[r * total + k] !== 0) continue;
        if (ph.ackState[k] === 0) {
          undeliveredUnacked += 1;
          continue;
        }
        lost += 1;
        lostBy[r] += 1;
      }
    }
    const activeS = ((ph.lastReceivedAt || windowEndedAt) - pace.t0) / 1000;
    return {
      offeredPerSec: rate,
      windowS: Math.round((durationMs / 1000) * 10) / 10,
      sent: pace.sent,
      // Every expected delivery, over the time from the first send to the last delivery.
      deliveredPerSec: Math.round(ph.received / activeS),
      deliveredInWindowPerSec: Math.round(ph.receivedInWindow / (durationMs / 1000)),
      deliveries: ph.received,
      expectedDeliveries,
      lost,
      undeliveredUnacked,
      duplicated: ph.duplicates,
      ...(receivers.length > 1 && expectedPerMessage > 1
        ? {
            perReceiver: {
              receivers: receivers.length,
              withLoss: lostBy.filter((n) => n > 0).length,
              maxLost: Math.max(...lostBy),
              withDuplicates: ph.duplicatesBy.filter((n) => n > 0).length,
              maxDuplicated: Math.max(...ph.duplicatesBy),
            },
          }
        : {}),
      outOfOrder: ph.outOfOrder,
      ...(ph.outOfOrder > 0 ? { outOfOrderExamples: ph.outOfOrderExamples } : {}),
      complete,
      drainS: Math.round(drainS * 10) / 10,
      latencyMs: summarize(ph.latency.subarray(0, ph.received)),
      // From the message's place on the fixed timeline: adds whatever the generator was late by.
      fromScheduleMs: summarize(ph.fromSchedule.subarray(0, ph.received)),
      sendLagMs: pace.lagMs,
      generatorEventLoopDelayMs: {
        p50: loopMs(loopDelay.percentile(50)),
        p99: loopMs(loopDelay.percentile(99)),
        max: loopMs(loopDelay.max),
      },
      acks: {
        ok: ph.acksOk,
        failed: ph.acksFailed,
        missing: pace.sent - ph.acksOk - ph.acksFailed,
        ...(ph.firstAckError ? { firstError: ph.firstAckError } : {}),
        latencyMs: summarize(ph.ackLatency.subarray(0, ph.acksOk)),
      },
      deliveredReports: {
        enabled: REPORT_DELIVERED,
        sent: delivered.sent - deliveredBefore.sent,
        ok: delivered.ok - deliveredBefore.ok,
        failed: delivered.failed - deliveredBefore.failed,
        ...(delivered.firstError ? { firstError: delivered.firstError } : {}),
      },
      receiptEventsPerSec: Math.round((receipts - receiptsBefore) / ((performance.now() - pace.t0) / 1000)),
      strayMessages: ph.foreign,
    };
  }

  return {
    run,
    stop() {
      phase = null;
      for (const reporter of reporters) reporter.stop();
    },
  };
}

/**
 * What every realtime scenario reports beside its own figures: every ok ack of warm-up and run
 * against the rows in `messages` (a lost or doubled write shows here), the warm-up's summary,
 * disconnects, CPU and memory, the API's own histograms over the window (GET /metrics), the setup.
 */
export function runReport({ run, warmup, stored, disconnects, usage, metrics, server, setupSeconds }) {
  return {
    persisted: { acked: warmup.acks.ok + run.acks.ok, stored: stored.messages, seqGaps: stored.gaps },
    warmup: {
      sent: warmup.sent,
      lost: warmup.lost,
      duplicated: warmup.duplicated,
      latencyP99Ms: warmup.latencyMs.p99,
    },
    disconnects: disconnects.count,
    ...(disconnects.count > 0 ? { disconnectReasons: disconnects.reasons } : {}),
    ...usage,
    serverMetrics: metrics,
    redis: server.redis,
    dbPoolSize: server.poolSize,
    setupS: round1(setupSeconds),
  };
}
