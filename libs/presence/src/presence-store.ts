import type { Redis } from 'ioredis';
import type { TenantId } from '@parley/db';

export interface Connection {
  tenantId: TenantId;
  userId: string;
  connectionId: string;
}

export interface UserRef {
  tenantId: TenantId;
  userId: string;
}

/**
 * Who is connected, cluster-wide: a user is online while any of their connections, on any node, has
 * been heard from within its time to live. Nodes refresh their own connections; those of a node that
 * died lapse and are swept.
 */
export interface PresenceStore {
  /** Adds or refreshes connections; answers the users who were offline until now. */
  add(connections: Connection[], ttlMs: number): Promise<UserRef[]>;
  /** Answers whether the user has no connection left. */
  remove(connection: Connection): Promise<boolean>;
  /** Drops lapsed connections; answers the users left with none (each once, cluster-wide). */
  sweep(): Promise<UserRef[]>;
  online(tenantId: TenantId, userIds: string[]): Promise<Set<string>>;
}

const userKey = ({ tenantId, userId }: UserRef): string => `${tenantId}|${userId}`;
const parseUserKey = (key: string): UserRef => {
  const [tenantId, userId] = key.split('|') as [TenantId, string];
  return { tenantId, userId };
};

/** The embedded default's store: one process, so one map. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  add(connections: Connection[], ttlMs: number): Promise<UserRef[]> {
    const cameOnline: UserRef[] = [];
    for (const connection of connections) {
      const key = userKey(connection);
      const live = this.live(key);
      if (live.size === 0) cameOnline.push({ tenantId: connection.tenantId, userId: connection.userId });
      live.set(connection.connectionId, this.now() + ttlMs);
      this.users.set(key, live);
    }
    return Promise.resolve(cameOnline);
  }

  remove(connection: Connection): Promise<boolean> {
    const key = userKey(connection);
    const live = this.live(key);
    live.delete(connection.connectionId);
    if (live.size === 0) this.users.delete(key);
    return Promise.resolve(live.size === 0);
  }

  sweep(): Promise<UserRef[]> {
    const wentOffline: UserRef[] = [];
    for (const [key, connections] of this.users) {
      const before = connections.size;
      if (this.live(key).size === 0 && before > 0) {
        this.users.delete(key);
        wentOffline.push(parseUserKey(key));
      }
    }
    return Promise.resolve(wentOffline);
  }

  online(tenantId: TenantId, userIds: string[]): Promise<Set<string>> {
    return Promise.resolve(
      new Set(userIds.filter((userId) => this.live(userKey({ tenantId, userId })).size > 0)),
    );
  }

  private live(key: string): Map<string, number> {
    const connections = this.users.get(key) ?? new Map<string, number>();
    const now = this.now();
    for (const [id, expiresAt] of connections) if (expiresAt <= now) connections.delete(id);
    return connections;
  }
}

// Per user: a sorted set of connection ids scored by expiry. Beside it, one set of every connection
// (`tenant|user|connection`) scored by expiry, which sweeping walks. Both change together in scripts,
// which take the namespace of the per-user keys as an argument.
const ADD = `
local now = tonumber(ARGV[1])
local expires = ARGV[2]
local namespace = ARGV[3]
local came = {}
for i = 4, #ARGV, 3 do
  local key = ARGV[i]
  local userKey = namespace .. 'u:' .. key
  if redis.call('ZCOUNT', userKey, now, '+inf') == 0 then table.insert(came, key) end
  redis.call('ZADD', userKey, expires, ARGV[i + 1])
  redis.call('PEXPIREAT', userKey, expires)
  redis.call('ZADD', KEYS[1], expires, ARGV[i + 2])
end
return came`;

const REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf')`;

const SWEEP = `
local now = tonumber(ARGV[1])
local namespace = ARGV[2]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)
local gone = {}
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local cut = string.find(member, '|[^|]*$')
  local key = string.sub(member, 1, cut - 1)
  local userKey = namespace .. 'u:' .. key
  redis.call('ZREM', userKey, string.sub(member, cut + 1))
  if redis.call('ZCOUNT', userKey, now, '+inf') == 0 then table.insert(gone, key) end
end
return gone`;

/**
 * The scaled-out store: every node sees every node's connections. Its keys live under `namespace`
 * (the deployment's Redis prefix), so that deployments sharing a Redis never sweep each other's.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly due: string;

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {
    this.due = `${namespace}due`;
  }

  async add(connections: Connection[], ttlMs: number): Promise<UserRef[]> {
    const cameOnline: UserRef[] = [];
    // Bounded script arguments: large nodes refresh in slices.
    for (let i = 0; i < connections.length; i += 500) {
      const slice = connections.slice(i, i + 500);
      const now = Date.now();
      const args = slice.flatMap((c) => [userKey(c), c.connectionId, `${userKey(c)}|${c.connectionId}`]);
      const came = (await this.redis.eval(
        ADD,
        1,
        this.due,
        now,
        now + ttlMs,
        this.namespace,
        ...args,
      )) as string[];
      cameOnline.push(...came.map(parseUserKey));
    }
    return cameOnline;
  }

  async remove(connection: Connection): Promise<boolean> {
    const key = userKey(connection);
    const left = (await this.redis.eval(
      REMOVE,
      2,
      `${this.namespace}u:${key}`,
      this.due,
      Date.now(),
      connection.connectionId,
      `${key}|${connection.connectionId}`,
    )) as number;
    return left === 0;
  }

  async sweep(): Promise<UserRef[]> {
    const gone = (await this.redis.eval(SWEEP, 1, this.due, Date.now(), this.namespace)) as string[];
    return [...new Set(gone)].map(parseUserKey);
  }

  async online(tenantId: TenantId, userIds: string[]): Promise<Set<string>> {
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const userId of userIds)
      pipeline.zcount(`${this.namespace}u:${userKey({ tenantId, userId })}`, now, '+inf');
    const counts = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0));
  }
}
