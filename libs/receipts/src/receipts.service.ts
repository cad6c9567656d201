import { Injectable } from '@nestjs/common';
import { ChatsService, MemberNotFoundError } from '@parley/chats';
import type { List, Receipt } from '@parley/protocol';
import type { Actor } from '@parley/tenancy';
import { ReceiptsRepository } from './receipts.repository.js';

/** Per-member delivered and read pointers: O(members), never a row per message. */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly chats: ChatsService,
    private readonly receipts: ReceiptsRepository,
  ) {}

  async markRead(actor: Actor, chatId: string, seq: number | undefined): Promise<Receipt> {
    const access = await this.chats.authorize(actor, chatId, 'post');
    const receipt = await this.receipts.markRead(actor.tenantId, chatId, access.userId!, seq ?? null);
    if (!receipt) throw new MemberNotFoundError(access.userId!);
    return receipt;
  }

  async list(
    actor: Actor,
    chatId: string,
    cursor: string | undefined,
    limit: number | undefined,
  ): Promise<List<Receipt>> {
    const members = await this.chats.listMembers(actor, chatId, cursor, limit);
    return {
      data: members.data.map(({ userId, deliveredSeq, readSeq }) => ({ userId, deliveredSeq, readSeq })),
      nextCursor: members.nextCursor,
    };
  }

  unreadCounts(actor: Actor, pointers: { chatId: string; readSeq: number }[]): Promise<Map<string, number>> {
    if (!actor.userId) return Promise.resolve(new Map());
    return this.receipts.unreadCounts(actor.tenantId, actor.userId, pointers);
  }
}
