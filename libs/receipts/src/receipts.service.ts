import { Injectable } from '@nestjs/common';
import { ChatsService, MemberNotFoundError } from '@parley/chats';
import type { List, Receipt } from '@parley/protocol';
import { ActingUserRequiredError, type Actor } from '@parley/tenancy';
import { DeliveredPointers } from './delivered-pointers.js';
import { ReceiptBroadcaster } from './receipt-broadcaster.js';
import { ReceiptsRepository } from './receipts.repository.js';

/** Unread counts stop here: a badge shows "999+", and counting further would cost a chat list dearly. */
export const UNREAD_COUNT_CAP = 1_000;

/** Per-member delivered and read pointers: O(members), never a row per message. */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly chats: ChatsService,
    private readonly receipts: ReceiptsRepository,
    private readonly broadcaster: ReceiptBroadcaster,
    private readonly delivered: DeliveredPointers,
  ) {}

  async markRead(actor: Actor, chatId: string, seq: number | undefined): Promise<Receipt> {
    const access = await this.chats.authorize(actor, chatId, 'post');
    const receipt = await this.receipts.markRead(actor.tenantId, chatId, access.userId!, seq ?? null);
    if (!receipt) throw new MemberNotFoundError(access.userId!);
    this.broadcaster.publish(actor.tenantId, chatId, receipt);
    return receipt;
  }

  /**
   * A device received messages up to `seq`. Written within half a second, with many others in one
   * statement; a non-member's report moves nothing, so no membership lookup is spent on it.
   */
  markDelivered(actor: Actor, chatId: string, seq: number): void {
    if (!actor.userId) throw new ActingUserRequiredError();
    this.delivered.report(actor.tenantId, chatId, actor.userId, seq);
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
    return this.receipts.unreadCounts(actor.tenantId, actor.userId, pointers, UNREAD_COUNT_CAP);
  }
}
