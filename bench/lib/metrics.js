/**
 * The API's own view of a window, from its Prometheus endpoint (`GET /metrics`): event-loop delay,
 * socket event handling time (receipt to ack) and message store-to-emit delay. Histograms are
 * differenced between two scrapes; their percentiles are bucket upper bounds ("at most"), coarse but
 * independent of the load generator.
 */

/** Parses the text format into `name{labels}` → value. */
function parse(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

export async function scrapeMetrics(client) {
  const res = await client.request('GET', '/metrics');
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parse(res.text);
}

/** Buckets of one histogram series (`labels` like `event="message:send",outcome="ok"`), after − before. */
function histogram(before, after, name, labels = '') {
  const buckets = [];
  for (const [key, value] of after) {
    if (!key.startsWith(`${name}_bucket{`)) continue;
    if (labels && !key.includes(labels)) continue;
    const le = /le="([^"]+)"/.exec(key)[1];
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value - (before.get(key) ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const suffix = labels ? `{${labels}}` : '';
  const count = (after.get(`${name}_count${suffix}`) ?? 0) - (before.get(`${name}_count${suffix}`) ?? 0);
  const sum = (after.get(`${name}_sum${suffix}`) ?? 0) - (before.get(`${name}_sum${suffix}`) ?? 0);
  const atMost = (p) => {
    const rank = Math.ceil((p / 100) * count);
    const bucket = buckets.find((b) => b.count >= rank);
    return bucket ? (bucket.le === Infinity ? '>max bucket' : bucket.le * 1000) : null;
  };
  if (count <= 0) return { count: 0 };
  return {
    count,
    meanMs: Math.round((sum / count) * 1e4) / 10,
    p50AtMostMs: atMost(50),
    p99AtMostMs: atMost(99),
  };
}

const EVENT_LOOP_RESOLUTION_MS = 10;

/** `before` and `after` are scrapes; the event-loop figures cover the time since `before` (it resets them). */
export function serverView(before, after) {
  // prom-client samples with perf_hooks.monitorEventLoopDelay at a 10 ms resolution, whose readings are
  // whole timer intervals: the delay is the reading minus those 10 ms.
  const gauge = (name, minus = 0) => {
    const value = after.get(name);
    return value === undefined ? null : Math.round(Math.max(0, value * 1000 - minus) * 10) / 10;
  };
  const delay = (name) => gauge(name, EVENT_LOOP_RESOLUTION_MS);
  return {
    eventLoopDelayMs: {
      p50: delay('parley_nodejs_eventloop_lag_p50_seconds'),
      p99: delay('parley_nodejs_eventloop_lag_p99_seconds'),
      max: delay('parley_nodejs_eventloop_lag_max_seconds'),
      mean: delay('parley_nodejs_eventloop_lag_mean_seconds'),
    },
    messageSendEvent: histogram(
      before,
      after,
      'parley_socket_event_duration_seconds',
      'event="message:send",outcome="ok"',
    ),
    deliveredEvent: histogram(
      before,
      after,
      'parley_socket_event_duration_seconds',
      'event="delivered",outcome="ok"',
    ),
    storeToEmit: histogram(before, after, 'parley_message_delivery_seconds'),
  };
}
