import { Injectable, Logger } from '@nestjs/common';
import type { TenantId } from '@parley/db';
import type { ServerEventName, ServerEventPayload } from '@parley/protocol';
import { chatRoom, userRoom } from './rooms.js';

/** One event in a chat, as observers receive it. */
export type ChatEvent = {
  [E in ServerEventName]: { tenantId: TenantId; chatId: string; event: E; payload: ServerEventPayload<E> };
}[ServerEventName];
export type ChatEventObserver = (event: ChatEvent) => void;

/** The part of a socket.io namespace (or a Redis emitter) that fan-out needs. */

export interface RoomEmitter {
  to(room: string | string[]): RoomBroadcast;
  in(room: string | string[]): RoomBroadcast;
  /** This node's sockets only (a socket.io namespace has it; a Redis emitter has no sockets of its own). */
  readonly local?: { in(room: string | string[]): RoomBroadcast };
}
export interface RoomBroadcast {
  except(room: string | string[]): RoomBroadcast;
  emit(event: string, payload: unknown): unknown;
  socketsJoin(room: string | string[]): void;
  socketsLeave(room: string | string[]): void;
}

/**
 * The one typed publisher every capability emits through. Domain services call it after their
 * transaction commits; it reaches sockets on every node (through the Redis adapter when configured).
 */
@Injectable()
export class ChatEvents {
  private readonly logger = new Logger('ChatEvents');
  private emitter: RoomEmitter | null = null;
  private readonly observers = new Set<ChatEventObserver>();

  /** The realtime gateway attaches its namespace when it starts. */
  attach(emitter: RoomEmitter): void {
    this.emitter = emitter;
  }

  /**
   * In-process subscribers to every chat event (after its transaction committed): the slow work
   * (push, webhooks, search indexing) hangs off here instead of inside the services that cause it.
   */
  observe(observer: ChatEventObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  toChat<E extends ServerEventName>(
    tenantId: TenantId,
    chatId: string,
    event: E,
    payload: ServerEventPayload<E>,
    options: { exceptUser?: string; exceptConnection?: string } = {},
  ): void {
    for (const observer of this.observers) {
      try {
        observer({ tenantId, chatId, event, payload } as ChatEvent);
      } catch (error) {
        this.logger.error({ err: error, event }, 'chat event observer failed');
      }
    }
    const target = this.target()?.to(chatRoom(tenantId, chatId));
    if (!target) return;
    // A socket's id is a room of its own, on every node.
    const except = [
      ...(options.exceptUser ? [userRoom(tenantId, options.exceptUser)] : []),
      ...(options.exceptConnection ? [options.exceptConnection] : []),
    ];
    (except.length > 0 ? target.except(except) : target).emit(event, payload);
  }

  toUser<E extends ServerEventName>(
    tenantId: TenantId,
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    this.target()?.to(userRoom(tenantId, userId)).emit(event, payload);
  }

  /**
   * Every connected device of these users starts receiving the chat's events, on every node. This
   * node's sockets join at once; the cluster-wide join travels through Redis in order with later emits.
   */
  joinChat(tenantId: TenantId, userIds: string[], chatId: string): void {
    const target = this.target();
    if (!target || userIds.length === 0) return;
    const rooms = userIds.map((id) => userRoom(tenantId, id));
    target.local?.in(rooms).socketsJoin(chatRoom(tenantId, chatId));
    target.in(rooms).socketsJoin(chatRoom(tenantId, chatId));
  }

  leaveChat(tenantId: TenantId, userId: string, chatId: string): void {
    const target = this.target();
    if (!target) return;
    target.local?.in(userRoom(tenantId, userId)).socketsLeave(chatRoom(tenantId, chatId));
    target.in(userRoom(tenantId, userId)).socketsLeave(chatRoom(tenantId, chatId));
  }

  private target(): RoomEmitter | null {
    // Processes without a socket server (the CLI) have no one to tell.
    if (!this.emitter) this.logger.debug('no realtime emitter attached; event not sent');
    return this.emitter;
  }
}
