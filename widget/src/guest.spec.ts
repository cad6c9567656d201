import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyError } from '@parley/sdk';
import { guestTokenProvider } from './guest.js';

const HOUR = 3_600_000;

describe('guestTokenProvider', () => {
  let storage: Map<string, string>;
  let fetch: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    storage = new Map();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    });
    fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
  });

  afterEach(() => vi.unstubAllGlobals());

  const answer = (status: number, body: unknown) =>
    fetch.mockResolvedValueOnce(new Response(JSON.stringify(body), { status }));

  it('signs up a guest with the publishable key and keeps it per key, so a reload is the same guest', async () => {
    const expiresAt = new Date(Date.now() + 24 * HOUR).toISOString();
    answer(201, { userId: 'guest-1', name: 'Ann', token: 't1', expiresAt });
    const provider = guestTokenProvider('https://chat.example', 'pk_a', 'Ann');
    expect(await provider()).toBe('t1');
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://chat.example/v1/guests');
    expect(init.method).toBe('POST');
    expect(init.headers['x-api-key']).toBe('pk_a');
    expect(JSON.parse(init.body)).toEqual({ name: 'Ann' });
    expect(JSON.parse(storage.get('parley:guest:pk_a')!)).toEqual({
      userId: 'guest-1',
      token: 't1',
      expiresAt,
    });

    expect(await guestTokenProvider('https://chat.example', 'pk_a')()).toBe('t1');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('signs up again when the stored token is about to expire', async () => {
    storage.set(
      'parley:guest:pk_a',
      JSON.stringify({ userId: 'old', token: 'old', expiresAt: new Date(Date.now() + 1_000).toISOString() }),
    );
    answer(201, {
      userId: 'guest-2',
      name: 'Guest 2',
      token: 't2',
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });
    expect(await guestTokenProvider('https://chat.example', 'pk_a')()).toBe('t2');
    expect(JSON.parse(fetch.mock.calls[0]![1].body)).toEqual({});
  });

  it("rejects with the server's error code when guests are not allowed", async () => {
    answer(403, { code: 'forbidden', detail: 'Guests are not allowed' });
    const error = await guestTokenProvider('https://chat.example', 'pk_a')().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'Guests are not allowed' });
    expect(storage.size).toBe(0);
  });
});
