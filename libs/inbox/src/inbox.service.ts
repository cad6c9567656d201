import { Injectable } from '@nestjs/common';
import { ChatsService, toMember, type ChatListRow } from '@parley/chats';
import { MessagesService } from '@parley/messages';
import type { Chat, CreateChatBody, List } from '@parley/protocol';
import { ReceiptsService } from '@parley/receipts';
import type { Actor } from '@parley/tenancy';

/**
 * Chats as a client lists them: each with its newest message and the caller's unread count. It
 * composes the chats, messages and receipts capabilities, which do not know each other this way.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly receipts: ReceiptsService,
  ) {}

  async list(actor: Actor, cursor: string | undefined, limit: number | undefined): Promise<List<Chat>> {
    const { rows, nextCursor } = await this.chats.listChats(actor, cursor, limit);
    return { data: await this.views(actor, rows), nextCursor };
  }

  async get(actor: Actor, chatId: string): Promise<Chat> {
    const [chat] = await this.views(actor, [await this.chats.getChat(actor, chatId)]);
    return chat!;
  }

  /** A direct chat answers the one the two users already share, if any (`created` false). */
  async create(actor: Actor, body: CreateChatBody): Promise<{ chat: Chat; created: boolean }> {
    if (body.kind === 'direct') {
      const { chat, created } = await this.chats.openDirect(actor, body.members);
      return { chat: await this.get(actor, chat.id), created };
    }
    const chat = await this.chats.createGroup(actor, body.title ?? null, body.members);
    return { chat: await this.get(actor, chat.id), created: true };
  }

  async rename(actor: Actor, chatId: string, title: string | null): Promise<Chat> {
    await this.chats.rename(actor, chatId, title);
    return this.get(actor, chatId);
  }

  private async views(actor: Actor, rows: ChatListRow[]): Promise<Chat[]> {
    const [latest, unread] = await Promise.all([
      this.messages.latest(
        actor,
        rows.map((r) => ({ chatId: r.id, seq: r.lastSeq })),
      ),
      this.receipts.unreadCounts(
        actor,
        rows.filter((r) => r.membership).map((r) => ({ chatId: r.id, readSeq: r.membership!.readSeq })),
      ),
    ]);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      memberCount: row.memberCount,
      version: row.version,
      lastSeq: row.lastSeq,
      lastMessage: latest.get(row.id) ?? null,
      unread: unread.get(row.id) ?? 0,
      directMembers: row.distinctKey ? row.distinctKey.split('|') : null,
      membership: row.membership ? toMember(row.membership) : null,
      createdAt: row.createdAt.toISOString(),
      lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    }));
  }
}
