import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatsService } from '@parley/chats';
import type { TenantId } from '@parley/db';
import { ChatEvents } from '@parley/fanout';
import type { List, Presence } from '@parley/protocol';
import { TenantsService, type Actor } from '@parley/tenancy';
import { PresenceRepository } from './presence.repository.js';
import type { Connection, PresenceStore, UserRef } from './presence-store.js';

export const PRESENCE_STORE = Symbol('parley.presence-store');

/** A connection not heard from for this long counts as gone: how fast a dead node's users go offline. */
export const CONNECTION_TTL_MS = 15_000;
const REFRESH_EVERY_MS = 5_000;
const SWEEP_EVERY_MS = 5_000;
/** A user who reconnects within this is not announced offline at all. */
const OFFLINE_GRACE_MS = 2_000;

/**
 * Online while any device is connected on any node. This node keeps its own connections alive in the
 * store, sweeps connections that lapsed anywhere, and announces changes in the user's small chats.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly local = new Map<string, Connection>();
  private readonly pendingOffline = new Map<string, NodeJS.Timeout>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    private readonly presence: PresenceRepository,
    private readonly chats: ChatsService,
    private readonly events: ChatEvents,
    private readonly tenants: TenantsService,
  ) {}

  onModuleInit(): void {
    const every = (ms: number, work: () => Promise<unknown>) => {
      const timer = setInterval(
        () =>
          void work().catch((error: unknown) => this.logger.warn({ err: error }, 'presence upkeep failed')),
        ms,
      );
      timer.unref();
      this.timers.push(timer);
    };
    every(REFRESH_EVERY_MS, () => this.store.add([...this.local.values()], CONNECTION_TTL_MS));
    every(SWEEP_EVERY_MS, () => this.sweep());
  }

  /**
   * Connections are not removed on shutdown: they lapse, and if their users do not reconnect on
   * another node by then, a sweeper there announces them offline.
   */
  onApplicationShutdown(): void {
    for (const timer of [...this.timers, ...this.pendingOffline.values()]) clearTimeout(timer);
    this.timers = [];
  }

  async connected(actor: Actor, connectionId: string): Promise<void> {
    const connection = { tenantId: actor.tenantId, userId: actor.userId!, connectionId };
    this.local.set(connectionId, connection);
    const [cameOnline] = await this.store.add([connection], CONNECTION_TTL_MS);
    const flapped = this.cancelPendingOffline(connection);
    if (cameOnline && !flapped)
      await this.announce(connection, true, actor.settings.limits.presenceGroupSize);
  }

  async disconnected(actor: Actor, connectionId: string): Promise<void> {
    const connection = this.local.get(connectionId);
    if (!connection) return;
    this.local.delete(connectionId);
    if (!(await this.store.remove(connection))) return;
    const key = `${connection.tenantId}|${connection.userId}`;
    const timer = setTimeout(() => {
      this.pendingOffline.delete(key);
      void this.announceIfStillOffline(connection, actor.settings.limits.presenceGroupSize);
    }, OFFLINE_GRACE_MS);
    timer.unref();
    this.pendingOffline.set(key, timer);
  }

  async list(actor: Actor, userIds: string[]): Promise<List<Presence>> {
    const unique = [...new Set(userIds)];
    const [online, lastSeen] = await Promise.all([
      this.store.online(actor.tenantId, unique),
      this.presence.lastSeen(actor.tenantId, unique),
    ]);
    const now = new Date().toISOString();
    const data = unique
      .filter((userId) => lastSeen.has(userId))
      .map((userId) => ({
        userId,
        online: online.has(userId),
        lastSeenAt: online.has(userId) ? now : (lastSeen.get(userId)?.toISOString() ?? null),
      }));
    return { data, nextCursor: null };
  }

  /** Users whose connections lapsed (their node died or hung): offline now. */
  private async sweep(): Promise<void> {
    for (const user of await this.store.sweep()) {
      const { settings } = await this.tenants.get(user.tenantId);
      await this.announce(user, false, settings.limits.presenceGroupSize);
    }
  }

  private cancelPendingOffline(user: UserRef): boolean {
    const key = `${user.tenantId}|${user.userId}`;
    const timer = this.pendingOffline.get(key);
    if (!timer) return false;
    clearTimeout(timer);
    this.pendingOffline.delete(key);
    return true;
  }

  private async announceIfStillOffline(user: UserRef, groupSize: number): Promise<void> {
    try {
      const online = await this.store.online(user.tenantId, [user.userId]);
      if (!online.has(user.userId)) await this.announce(user, false, groupSize);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not announce presence');
    }
  }

  private async announce({ tenantId, userId }: UserRef, online: boolean, groupSize: number): Promise<void> {
    const lastSeenAt = await this.presence.markSeen(tenantId, userId);
    const payload = { userId, online, lastSeenAt: lastSeenAt?.toISOString() ?? null };
    for (const chatId of await this.chats.presenceAudienceOf(tenantId as TenantId, userId, groupSize)) {
      this.events.toChat(tenantId, chatId, 'presence', payload, { exceptUser: userId });
    }
  }
}
