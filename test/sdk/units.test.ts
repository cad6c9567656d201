import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { ParleyClient } from '@parley/sdk';
import { createUserToken } from '@parley/sdk/server';
import { backoffDelay } from '../../sdk-js/src/backoff.js';
import type { Connection } from '../../sdk-js/src/connection.js';
import { Emitter } from '../../sdk-js/src/emitter.js';
import { randomId } from '../../sdk-js/src/ids.js';
import { silentLogger } from '../../sdk-js/src/logger.js';
import { echo, liveReactions, MessageWindow, type LocalMessage } from '../../sdk-js/src/message-list.js';
import { DeliveredReporter, ReceiptBook } from '../../sdk-js/src/receipts.js';
import { Store } from '../../sdk-js/src/store.js';
import type { Timers } from '../../sdk-js/src/timers.js';
import { readTokenClaims, TokenManager } from '../../sdk-js/src/token.js';
import { TYPING_DEFAULTS, TypingNotifier, TypingTracker } from '../../sdk-js/src/typing.js';
import { VersionTracker } from '../../sdk-js/src/versions.js';

/** A clock that moves only when told: what `timers` in the options is for. */
class FakeTimers implements Timers {
  private time = 1_700_000_000_000;
  private next = 1;
  private readonly due = new Map<number, { at: number; run: () => void }>();
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.time + ms, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  now(): number {
    return this.time;
  }
  /** Moves the clock, running what falls due in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const [id, timer] = [...this.due].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !timer || timer.at > end) break;
      this.due.delete(id);
      this.time = timer.at;
      timer.run();
      await Promise.resolve();
    }
    this.time = end;
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

/** Records what would go to the server; unit tests only (the end-to-end tests use the real one). */
function recordingConnection() {
  const sent: { event: string; payload: unknown }[] = [];
  const connection = {
    state: 'online',
    emit: (event: string, payload: unknown) => {
      sent.push({ event, payload });
      return Promise.resolve(null);
    },
  } as unknown as Connection;
  return { connection, sent };
}

const message = (seq: number, overrides: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  chatId: 'c',
  seq,
  version: seq,
  senderId: 'ann',
  clientId: `c${seq}`,
  kind: 'text',
  text: `#${seq}`,
  attachments: [],
  replyTo: null,
  reactions: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  ...overrides,
});
const local = (m: Message): LocalMessage => ({ ...m, key: m.id, status: 'sent', error: null });

describe('backoff', () => {
  it('grows exponentially up to the ceiling, with jitter taking up to its share off', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, () => 0))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(backoffDelay(2, options, () => 0.999)).toBe(200);
    expect(backoffDelay(2, { ...options, jitter: 0 }, () => 0.999)).toBe(400);
  });
});

describe('tokens', () => {
  it('createUserToken signs an HS256 JWT with sub, fractional iat and exp', async () => {
    const now = 1_700_000_000_123;
    const token = createUserToken('sk_secret', 'ann@example.com', { expiresIn: 60, now });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('sk_secret'), {
      currentDate: new Date(now),
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ sub: 'ann@example.com', iat: 1_700_000_000.123, exp: 1_700_000_060 });
    expect(readTokenClaims(token)).toEqual({ sub: 'ann@example.com', expiresAt: 1_700_000_060_000 });
    expect(readTokenClaims('not a jwt')).toEqual({ sub: null, expiresAt: null });
    expect(() => createUserToken('sk_secret', 'no spaces', { expiresIn: 60 })).toThrow(TypeError);
    expect(() => createUserToken('sk_secret', 'ann', { expiresIn: 0 })).toThrow(TypeError);
  });

  it('asks the provider again halfway through a short token, and retries a failing provider', async () => {
    const timers = new FakeTimers();
    const failures: string[] = [];
    let fail = false;
    let calls = 0;
    const manager = new TokenManager(
      async () => {
        calls += 1;
        if (fail) throw new Error('backend down');
        return createUserToken('sk', 'ann', { expiresIn: 10, now: timers.now() });
      },
      {
        timers,
        logger: silentLogger,
        random: () => 0,
        refreshBeforeExpiryMs: 60_000,
        onRefreshed: () => undefined,
        onRefreshFailed: (error) => failures.push(error.message),
      },
    );
    await manager.current();
    expect(calls).toBe(1);
    await timers.advance(4_900);
    expect(calls).toBe(1);
    await timers.advance(200); // halfway through 10 s
    expect(calls).toBe(2);
    fail = true;
    await timers.advance(5_000);
    expect(calls).toBe(3);
    expect(failures).toEqual(['backend down']);
    fail = false;
    await timers.advance(1_000); // the first retry of a failed refresh waits 1 s
    expect(calls).toBe(4);
    manager.stop();
    await timers.advance(60_000);
    expect(calls).toBe(4);
  });
});

describe('emitter and store', () => {
  it('returns an unsubscribe from every on(), and a throwing listener harms no one', () => {
    const emitter = new Emitter<{ ping: number }>(silentLogger);
    const seen: number[] = [];
    const off = emitter.on('ping', (n) => seen.push(n));
    emitter.on('ping', () => {
      throw new Error('bad listener');
    });
    emitter.once('ping', (n) => seen.push(n * 10));
    emitter.emit('ping', 1);
    off();
    off();
    emitter.emit('ping', 2);
    expect(seen).toEqual([1, 10]);
  });

  it('notifies subscribers of new snapshots only', () => {
    const store = new Store({ n: 0 });
    const seen: [number, number][] = [];
    const off = store.subscribe((state, previous) => seen.push([state.n, previous.n]));
    const same = store.get();
    store.set(same);
    store.update((s) => ({ n: s.n + 1 }));
    off();
    store.update((s) => ({ n: s.n + 1 }));
    expect(seen).toEqual([[1, 0]]);
    expect(store.get()).toEqual({ n: 2 });
  });
});

describe('message window', () => {
  it('keeps stored messages in seq order, then echoes, and hands out copies', () => {
    const window = new MessageWindow();
    for (const seq of [5, 1, 3, 9, 7]) window.put(local(message(seq)));
    window.putEcho(echo('c', 'ann', 'x1', 'pending', null, [], 0));
    const snapshot = window.snapshot();
    expect(snapshot.map((m) => m.seq)).toEqual([1, 3, 5, 7, 9, 0]);
    window.put(local(message(3, { text: 'edited', version: 10 })));
    expect(window.byId('m3')?.text).toBe('edited');
    expect(snapshot[1]!.text).toBe('#3');
    expect(window.removeEcho('x1')?.text).toBe('pending');
    expect(window.snapshot().map((m) => m.seq)).toEqual([1, 3, 5, 7, 9]);
  });

  it('keeps `me` from what it knew when a live event says `me: false`', () => {
    const before = message(1, { reactions: { ok: { count: 1, me: true }, wave: { count: 1, me: false } } });
    const after = message(1, { reactions: { ok: { count: 2, me: false }, wave: { count: 1, me: false } } });
    expect(liveReactions(after, before, { userId: 'bob', emoji: 'ok', action: 'added' }, 'ann')).toEqual({
      ok: { count: 2, me: true },
      wave: { count: 1, me: false },
    });
    expect(
      liveReactions(
        message(1, { reactions: { wave: { count: 2, me: false } } }),
        before,
        {
          userId: 'ann',
          emoji: 'wave',
          action: 'added',
        },
        'ann',
      ),
    ).toEqual({ wave: { count: 2, me: true } });
    expect(liveReactions(message(1, { reactions: {} }), before, undefined, 'ann')).toEqual({});
  });
});

describe('receipts', () => {
  it('derives delivered and read from every other member’s pointers', () => {
    const book = new ReceiptBook('ann');
    book.reset(
      [
        { userId: 'ann', deliveredSeq: 9, readSeq: 9 },
        { userId: 'bob', deliveredSeq: 8, readSeq: 4 },
        { userId: 'cat', deliveredSeq: 6, readSeq: 6 },
      ],
      true,
    );
    expect([3, 5, 7].map((seq) => book.statusOf(seq))).toEqual(['read', 'delivered', 'sent']);
    const before = book.marks();
    book.update({ userId: 'cat', deliveredSeq: 8, readSeq: 8 });
    expect(book.changedSince(before)).toBe(4);
    expect(book.statusOf(7)).toBe('delivered');
    book.add('dan');
    expect(book.statusOf(1)).toBe('sent');
    const partial = new ReceiptBook('ann');
    partial.reset([{ userId: 'bob', deliveredSeq: 8, readSeq: 8 }], false);
    expect(partial.statusOf(1)).toBe('sent');
  });

  it('reports delivered once per window per chat, with the highest seq', async () => {
    const timers = new FakeTimers();
    const { connection, sent } = recordingConnection();
    const reporter = new DeliveredReporter(connection, timers, silentLogger, 500);
    for (const seq of [3, 7, 5]) reporter.report('a', seq);
    reporter.report('b', 2);
    await timers.advance(499);
    expect(sent).toEqual([]);
    await timers.advance(1);
    expect(sent.map((s) => s.payload)).toEqual([
      { chatId: 'a', seq: 7 },
      { chatId: 'b', seq: 2 },
    ]);
    reporter.report('a', 6);
    await timers.advance(1_000);
    expect(sent).toHaveLength(2);
  });
});

describe('typing', () => {
  it('throttles "typing" while keys are hit, and stops when idle', async () => {
    const timers = new FakeTimers();
    const { connection, sent } = recordingConnection();
    const typing = new TypingNotifier('c', connection, timers, silentLogger, TYPING_DEFAULTS);
    for (let i = 0; i < 10; i++) {
      typing.keystroke();
      await timers.advance(300);
    }
    expect(sent.map((s) => (s.payload as { isTyping: boolean }).isTyping)).toEqual([true, true]);
    await timers.advance(TYPING_DEFAULTS.idleMs);
    expect(sent.map((s) => (s.payload as { isTyping: boolean }).isTyping)).toEqual([true, true, false]);
  });

  it('forgets someone typing who went quiet', async () => {
    const timers = new FakeTimers();
    const seen: string[][] = [];
    const tracker = new TypingTracker(timers, 6_000, (ids) => seen.push(ids));
    tracker.set('bob', true);
    tracker.set('bob', true);
    await timers.advance(6_000);
    expect(seen).toEqual([['bob'], []]);
  });
});

describe('client ids', () => {
  it('makes version 4 UUIDs, also where crypto.randomUUID is missing (plain-http pages)', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(randomId()).toMatch(uuid);
    const original = globalThis.crypto.randomUUID;
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 100 }, () => randomId()));
      expect(ids.size).toBe(100);
      for (const id of ids) expect(id).toMatch(uuid);
    } finally {
      Object.defineProperty(globalThis.crypto, 'randomUUID', { value: original, configurable: true });
    }
  });
});

describe('version tracking', () => {
  it('advances over contiguous versions, holds at a gap, and closes it when the missing ones come', () => {
    const versions = new VersionTracker();
    versions.caughtUpTo(10);
    versions.saw(11);
    versions.saw(13);
    versions.saw(14);
    expect([versions.applied, versions.gap]).toEqual([11, true]);
    versions.saw(12);
    expect([versions.applied, versions.gap]).toEqual([14, false]);
    versions.saw(17);
    versions.caughtUpTo(15); // a catch-up up to 15; 16 still missing
    expect([versions.applied, versions.gap]).toEqual([15, true]);
    versions.caughtUpTo(20);
    expect([versions.applied, versions.gap]).toEqual([20, false]);
    versions.saw(3);
    expect(versions.applied).toBe(20);
  });
});

describe('connect', () => {
  it('rejects when the token provider fails at once, and asks it no more', async () => {
    let calls = 0;
    const timers = new FakeTimers();
    const client = new ParleyClient({ apiKey: 'pk_unused', baseUrl: 'http://127.0.0.1:9', timers });
    const failing = async (): Promise<string> => {
      calls += 1;
      throw new Error('no backend');
    };
    await expect(client.connect(failing)).rejects.toMatchObject({ message: 'no backend' });
    await timers.advance(120_000);
    expect(calls).toBe(1);
    expect(client.connectionState).toBe('disconnected');
  });
});
