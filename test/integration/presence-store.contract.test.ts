import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TenantId } from '@parley/db';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from '@parley/presence';
import { REDIS_URL } from '../support/environment.js';

const redis = new Redis(REDIS_URL);
const namespaces: string[] = [];

/** A namespace of this run, its keys deleted afterwards. */
const newNamespace = (): string => {
  const namespace = `test-${randomUUID()}:presence:`;
  namespaces.push(namespace);
  return namespace;
};

afterAll(async () => {
  for (const namespace of namespaces) {
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['memory', () => new MemoryPresenceStore()],
  ['Redis', () => new RedisPresenceStore(redis, newNamespace())],
] as const)('presence store on %s', (_, makeStore) => {
  const tenant = randomUUID() as TenantId;
  const other = randomUUID() as TenantId;

  it('is online while any connection lives, and says when the last one goes', async () => {
    const store: PresenceStore = makeStore();
    const phone = { tenantId: tenant, userId: 'ann', connectionId: 'phone' };
    const laptop = { tenantId: tenant, userId: 'ann', connectionId: 'laptop' };
    expect(await store.add([phone], 10_000)).toEqual([{ tenantId: tenant, userId: 'ann' }]);
    expect(await store.add([laptop], 10_000)).toEqual([]);
    expect(await store.online(tenant, ['ann', 'bob'])).toEqual(new Set(['ann']));
    expect(await store.remove(phone)).toBe(false);
    expect(await store.remove(laptop)).toBe(true);
    expect(await store.online(tenant, ['ann'])).toEqual(new Set());
  });

  it('keeps tenants apart: the same user id elsewhere is another user', async () => {
    const store = makeStore();
    await store.add([{ tenantId: tenant, userId: 'cy', connectionId: 'c1' }], 10_000);
    expect(await store.online(other, ['cy'])).toEqual(new Set());
  });

  it('sweeps connections that lapsed, each user once', async () => {
    const store = makeStore();
    await store.add(
      [
        { tenantId: tenant, userId: 'dee', connectionId: 'd1' },
        { tenantId: tenant, userId: 'dee', connectionId: 'd2' },
      ],
      50,
    );
    await store.add([{ tenantId: tenant, userId: 'eve', connectionId: 'e1' }], 10_000);
    await sleep(120);
    expect(await store.sweep()).toEqual([{ tenantId: tenant, userId: 'dee' }]);
    expect(await store.sweep()).toEqual([]);
    expect(await store.online(tenant, ['dee', 'eve'])).toEqual(new Set(['eve']));
  });
});

describe('presence on one Redis shared by two deployments', () => {
  it("never sweeps or reports the other deployment's connections", async () => {
    const tenant = randomUUID() as TenantId;
    const first = new RedisPresenceStore(redis, newNamespace());
    const second = new RedisPresenceStore(redis, newNamespace());
    await first.add([{ tenantId: tenant, userId: 'fay', connectionId: 'f1' }], 50);
    await sleep(120);
    // The second deployment's sweeper must leave it to the first, whose users they are.
    expect(await second.sweep()).toEqual([]);
    expect(await first.sweep()).toEqual([{ tenantId: tenant, userId: 'fay' }]);
    await first.add([{ tenantId: tenant, userId: 'gus', connectionId: 'g1' }], 10_000);
    expect(await second.online(tenant, ['gus'])).toEqual(new Set());
  });
});
