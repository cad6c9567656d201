import { Injectable } from '@nestjs/common';
import { uuid7, type TenantId } from '@parley/db';
import { ChatEvents } from '@parley/fanout';
import {
  IdSchema,
  UserIdSchema,
  type AddMembersBody,
  type List,
  type Member,
  type MemberRole,
} from '@parley/protocol';
import { pageLimit, type Actor } from '@parley/tenancy';
import { decideAccess, type ChatAccess, type ChatAccessRow, type ChatNeed } from './chat-access.js';
import {
  ChatNotFoundError,
  DirectChatFixedError,
  GroupFullError,
  InvalidCursorError,
  MemberNotFoundError,
  NotAChatAdminError,
  OwnDirectChatOnlyError,
  RoleChangeForbiddenError,
  TooManyMembersPerCallError,
  UsersNotFoundError,
} from './chats.errors.js';
import {
  ChatsRepository,
  type ActivityCursor,
  type ChatListRow,
  type ChatRow,
  type MemberRow,
} from './chats.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const DEFAULT_CHAT_PAGE = 30;
const DEFAULT_MEMBER_PAGE = 100;
// What Postgres prints for a timestamptz; anything else in a cursor was not made by us.
const PG_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/;

export const toMember = (row: MemberRow): Member => ({
  userId: row.userId,
  role: row.role,
  deliveredSeq: row.deliveredSeq,
  readSeq: row.readSeq,
  joinedAt: row.joinedAt.toISOString(),
});

/** Chats and their members: creation, access rules, roles, and the list of a user's chats. */
@Injectable()
export class ChatsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly events: ChatEvents,
  ) {}

  /** Authorises the actor for `need` on the chat, or throws; every chat-scoped call starts here. */
  async authorize(actor: Actor, chatId: string, need: ChatNeed): Promise<ChatAccess> {
    const row = await this.chats.accessRow(actor.tenantId, chatId, actor.userId);
    return decideAccess(actor, chatId, row, need);
  }

  /** Throws what a send gets when its write found the sender without a seat in the chat (`access`). */
  refusePost(actor: Actor, chatId: string, access: ChatAccessRow | null): never {
    decideAccess(actor, chatId, access, 'post');
    throw new Error(`a send to ${chatId} without a seat in it passed the access rules`);
  }

  async openDirect(actor: Actor, members: [string, string]): Promise<{ chat: ChatRow; created: boolean }> {
    if (!actor.isServer && !members.includes(actor.userId!)) throw new OwnDirectChatOnlyError();
    await this.requireUsers(actor.tenantId, members);
    const distinctKey = [...members].sort().join('|');
    const opened = await this.chats.openDirect(actor.tenantId, { id: uuid7(), distinctKey }, members);
    if (opened.created) this.announceNewChat(actor.tenantId, opened.chat, members);
    return opened;
  }

  async createGroup(actor: Actor, title: string | null, memberIds: string[]): Promise<ChatRow> {
    const { limits } = actor.settings;
    if (memberIds.length > limits.membersPerCall) throw new TooManyMembersPerCallError(limits.membersPerCall);
    const members = new Map<string, MemberRole>(memberIds.map((id) => [id, 'member']));
    // Whoever creates the group owns it; the tenant's backend acting as itself leaves it ownerless.
    if (actor.userId) members.set(actor.userId, 'owner');
    if (members.size > limits.groupMembers) throw new GroupFullError(limits.groupMembers);
    await this.requireUsers(actor.tenantId, [...members.keys()]);
    const chat = await this.chats.createGroup(
      actor.tenantId,
      { id: uuid7(), title },
      [...members].map(([userId, role]) => ({ userId, role })),
    );
    this.announceNewChat(actor.tenantId, chat, [...members.keys()]);
    return chat;
  }

  async rename(actor: Actor, chatId: string, title: string | null): Promise<void> {
    await this.authorize(actor, chatId, 'admin');
    const chat = await this.chats.rename(actor.tenantId, chatId, title);
    if (chat) this.announceChange(actor.tenantId, chat);
  }

  async addMembers(actor: Actor, chatId: string, body: AddMembersBody): Promise<List<Member>> {
    const { limits } = actor.settings;
    await this.authorize(actor, chatId, 'admin');
    const userIds = [...new Set(body.members)];
    if (userIds.length > limits.membersPerCall) throw new TooManyMembersPerCallError(limits.membersPerCall);
    await this.requireUsers(actor.tenantId, userIds);
    const added = await this.chats.addMembers(
      actor.tenantId,
      chatId,
      userIds.map((userId) => ({ userId, role: body.role })),
      limits.groupMembers,
    );
    if (!added) throw new GroupFullError(limits.groupMembers);
    this.events.joinChat(
      actor.tenantId,
      added.map((m) => m.userId),
      chatId,
    );
    for (const member of added)
      this.events.toChat(actor.tenantId, chatId, 'member:added', { chatId, member: toMember(member) });
    await this.announceMemberCount(actor.tenantId, chatId);
    return { data: added.map(toMember), nextCursor: null };
  }

  /** An admin removes someone, or a member leaves. */
  async removeMember(actor: Actor, chatId: string, userId: string): Promise<void> {
    const leaving = actor.userId === userId;
    const access = await this.authorize(actor, chatId, leaving ? 'read' : 'admin');
    if (access.kind === 'direct') throw new DirectChatFixedError();
    const target = await this.chats.member(actor.tenantId, chatId, userId);
    if (!target) throw new MemberNotFoundError(userId);
    // Admins remove members; removing an owner or another admin takes an owner (or the backend).
    if (!leaving && !actor.isServer && target.role !== 'member' && access.role !== 'owner') {
      throw new NotAChatAdminError('remove owners or admins; only owners may');
    }
    if (!(await this.chats.removeMember(actor.tenantId, chatId, userId)))
      throw new MemberNotFoundError(userId);
    this.announceDeparture(actor.tenantId, chatId, userId);
    await this.announceMemberCount(actor.tenantId, chatId);
  }

  async setRole(actor: Actor, chatId: string, userId: string, role: MemberRole): Promise<Member> {
    const access = await this.authorize(actor, chatId, 'admin');
    if (!actor.isServer && access.role !== 'owner') throw new RoleChangeForbiddenError();
    const row = await this.chats.setRole(actor.tenantId, chatId, userId, role);
    if (!row) throw new MemberNotFoundError(userId);
    return toMember(row);
  }

  async listMembers(
    actor: Actor,
    chatId: string,
    cursor: string | undefined,
    limit: number | undefined,
  ): Promise<List<Member>> {
    const size = pageLimit(actor.settings, limit, DEFAULT_MEMBER_PAGE);
    await this.authorize(actor, chatId, 'read');
    const after = cursor === undefined ? null : decodeUserCursor(cursor);
    const rows = await this.chats.listMembers(actor.tenantId, chatId, after, size + 1);
    const page = rows.slice(0, size);
    return {
      data: page.map(toMember),
      nextCursor: rows.length > size ? encodeCursor([page.at(-1)!.userId]) : null,
    };
  }

  /** The acting user's chats by latest activity, or every chat of the tenant for its backend. */
  async listChats(
    actor: Actor,
    cursor: string | undefined,
    limit: number | undefined,
  ): Promise<{ rows: ChatListRow[]; nextCursor: string | null }> {
    const size = pageLimit(actor.settings, limit, DEFAULT_CHAT_PAGE);
    const after = cursor === undefined ? null : decodeActivityCursor(cursor);
    const rows = actor.userId
      ? await this.chats.listForUser(actor.tenantId, actor.userId, after, size + 1)
      : await this.chats.listAll(actor.tenantId, after, size + 1);
    const page = rows.slice(0, size);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor: rows.length > size && last ? encodeCursor([last.activityKey, last.id]) : null,
    };
  }

  async getChat(actor: Actor, chatId: string): Promise<ChatListRow> {
    await this.authorize(actor, chatId, 'read');
    const row = await this.chats.chatWithMembership(actor.tenantId, chatId, actor.userId);
    if (!row) throw new ChatNotFoundError(chatId);
    return row;
  }

  /** Erasure: the user leaves every chat they were in. */
  async removeUserEverywhere(tenantId: TenantId, userId: string): Promise<void> {
    for (const chatId of await this.chats.removeUserEverywhere(tenantId, userId)) {
      this.announceDeparture(tenantId, chatId, userId);
      await this.announceMemberCount(tenantId, chatId);
    }
  }

  /**
   * Members to notify of a new message, a page at a time in user id order (keyset over the primary
   * key, so a 100,000-member group is walked in equal steps): those after `afterUserId` who have not
   * muted the chat. `next` continues the walk; null when it is done.
   */
  async notifiableMembers(
    tenantId: TenantId,
    chatId: string,
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userIds: string[]; next: string | null }> {
    const page = await this.chats.memberMutePage(tenantId, chatId, afterUserId, limit);
    return {
      userIds: page.filter((m) => !m.muted).map((m) => m.userId),
      next: page.length === limit ? page.at(-1)!.userId : null,
    };
  }

  /** The chats whose rooms a user's sockets join. */
  chatIdsOf(tenantId: TenantId, userId: string): Promise<string[]> {
    return this.chats.chatIdsOf(tenantId, userId);
  }

  /** The chats small enough for the user's presence changes to be announced in them. */
  presenceAudienceOf(tenantId: TenantId, userId: string, maxMembers: number): Promise<string[]> {
    return this.chats.smallChatIdsOf(tenantId, userId, maxMembers);
  }

  private announceNewChat(tenantId: TenantId, chat: ChatRow, memberIds: string[]): void {
    this.events.joinChat(tenantId, memberIds, chat.id);
    this.announceChange(tenantId, chat);
  }

  private announceChange(tenantId: TenantId, chat: ChatRow): void {
    this.events.toChat(tenantId, chat.id, 'chat:updated', {
      chatId: chat.id,
      kind: chat.kind,
      title: chat.title,
      memberCount: chat.memberCount,
    });
  }

  private async announceMemberCount(tenantId: TenantId, chatId: string): Promise<void> {
    const chat = await this.chats.get(tenantId, chatId);
    if (chat) this.announceChange(tenantId, chat);
  }

  /** Told in the room first, so the departing user's own devices hear it before they leave the room. */
  private announceDeparture(tenantId: TenantId, chatId: string, userId: string): void {
    this.events.toChat(tenantId, chatId, 'member:removed', { chatId, userId });
    this.events.leaveChat(tenantId, userId, chatId);
  }

  private async requireUsers(tenantId: TenantId, userIds: string[]): Promise<void> {
    const existing = await this.chats.existingUsers(tenantId, userIds);
    const missing = userIds.filter((id) => !existing.has(id));
    if (missing.length > 0) throw new UsersNotFoundError(missing);
  }
}

function decodeActivityCursor(cursor: string): ActivityCursor {
  const [activityKey, id] = decodeCursor(cursor, 2) as [string, string];
  if (!isPgTimestamp(activityKey) || !IdSchema.safeParse(id).success) throw new InvalidCursorError();
  return { activityKey, id };
}

/**
 * In the format Postgres prints, and a moment that exists: a forged cursor such as month 13 or
 * February 31 would otherwise reach the query and fail there (a 500, not a 400).
 */
function isPgTimestamp(value: string): boolean {
  const match = PG_TIMESTAMP.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] =
    match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second &&
    offsetHours <= 14 &&
    offsetMinutes < 60
  );
}

function decodeUserCursor(cursor: string): string {
  const [userId] = decodeCursor(cursor, 1) as [string];
  if (!UserIdSchema.safeParse(userId).success) throw new InvalidCursorError();
  return userId;
}
