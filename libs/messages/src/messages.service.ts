import { Injectable } from '@nestjs/common';
import { AttachmentsService, type StoredAttachment } from '@parley/attachments';
import { ChatsService } from '@parley/chats';
import { ChatEvents } from '@parley/fanout';
import { uuid7, type TenantId } from '@parley/db';
import type { Changes, List, Message, MessageEvent, SendMessageBody } from '@parley/protocol';
import { pageLimit, type Actor } from '@parley/tenancy';
import {
  ClientIdReusedError,
  EmptyMessageError,
  MessageDeletedError,
  MessageNotFoundError,
  NotMessageSenderError,
  ReplyTargetNotFoundError,
  TextTooLongError,
  TooManyReactionsError,
} from './messages.errors.js';
import { toMessage, type MessageRow } from './message-row.js';
import { MessageWriter, type SendOutcome } from './message-writer.js';
import { MessagesRepository, type ReactionOutcome } from './messages.repository.js';

const DEFAULT_HISTORY_PAGE = 50;
const DEFAULT_CHANGES_PAGE = 100;
/** Different emoji on one message; keeps a message's reaction summary bounded. */
const MAX_DISTINCT_REACTIONS = 50;

export interface SentMessage {
  message: Message;
  /** False when this was a resend of an earlier clientId and the original came back. */
  created: boolean;
}

/** A send that passed its checks, with its id and claimed uploads (`MessagesService.prepareSend`). */
export interface PreparedSend {
  actor: Actor;
  chatId: string;
  senderId: string;
  body: SendMessageBody;
  id: string;
  attachments: StoredAttachment[] | null;
}

/** Sending, editing, deleting and reacting to messages; history and catch-up. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly chats: ChatsService,
    private readonly messages: MessagesRepository,
    private readonly writer: MessageWriter,
    private readonly events: ChatEvents,
    private readonly attachments: AttachmentsService,
  ) {}

  /**
   * A message has text, attachments (the sender's uploads into this chat, not sent before), or both;
   * one without text is of kind `file`.
   */
  async send(actor: Actor, chatId: string, body: SendMessageBody): Promise<SentMessage> {
    return this.store(await this.prepareSend(actor, chatId, body));
  }

  /**
   * Everything a send checks and claims before it is stored. A plain send by a user is authorised by
   * the statement that stores it (one round trip, and no gap between check and write); a reply or a
   * send with files reads other rows first, so it is authorised before that.
   */
  async prepareSend(actor: Actor, chatId: string, body: SendMessageBody): Promise<PreparedSend> {
    if (body.text === undefined && !body.attachments) throw new EmptyMessageError();
    if (body.text !== undefined) this.checkTextLength(actor, body.text);
    if (body.replyTo || body.attachments || !actor.userId) await this.chats.authorize(actor, chatId, 'post');
    if (body.replyTo && !(await this.messages.get(actor.tenantId, chatId, body.replyTo))) {
      throw new ReplyTargetNotFoundError(body.replyTo);
    }
    const senderId = actor.userId!;
    const id = uuid7();
    const attachments = await this.claimAttachments(actor.tenantId, chatId, senderId, body, id);
    return { actor, chatId, senderId, body, id, attachments };
  }

  /**
   * Stores a prepared send. It takes its place in the writer's queue when called, before its first
   * wait: sends stored one after another are numbered in that order, whether or not the caller
   * waits for each to finish. `fromConnection` is the socket it came from: its ack carries the
   * message, so the chat's `message:new` leaves that one socket out (the sender's other devices get it).
   */
  async store(
    { actor, chatId, senderId, body, id, attachments }: PreparedSend,
    fromConnection?: string,
  ): Promise<SentMessage> {
    let outcome: SendOutcome | undefined;
    try {
      outcome = await this.writer.send(actor.tenantId, chatId, senderId, {
        id,
        clientId: body.clientId,
        kind: body.text === undefined ? 'file' : 'text',
        text: body.text ?? null,
        attachments: attachments ?? [],
        replyTo: body.replyTo ?? null,
      });
    } finally {
      // A resend answered with the original, or a failed write, gives the uploads back.
      if (attachments && outcome?.kind !== 'created') await this.attachments.detach(actor.tenantId, id);
    }
    if (outcome.kind === 'refused') this.chats.refusePost(actor, chatId, outcome.access);
    if (outcome.kind === 'client_id_taken') throw new ClientIdReusedError(body.clientId);
    if (outcome.kind === 'created') {
      // A new message has no reactions yet, so every viewer sees the same thing: one view serves both.
      const message = this.wire(actor.tenantId, outcome.row);
      this.events.toChat(
        actor.tenantId,
        chatId,
        'message:new',
        { message },
        { exceptConnection: fromConnection },
      );
      return { message, created: true };
    }
    const [message] = await this.view(actor, [outcome.row]);
    return { message: message!, created: false };
  }

  async edit(actor: Actor, chatId: string, messageId: string, text: string): Promise<Message> {
    this.checkTextLength(actor, text);
    await this.authorizeOwnOrModerated(actor, chatId, messageId, 'edit');
    const row = await this.messages.edit(actor.tenantId, chatId, messageId, text);
    if (!row) throw new MessageDeletedError(messageId);
    this.events.toChat(actor.tenantId, chatId, 'message:updated', {
      message: this.wire(actor.tenantId, row),
    });
    return (await this.view(actor, [row]))[0]!;
  }

  /** Deleting twice answers the same tombstone. The message's files go with it. */
  async delete(actor: Actor, chatId: string, messageId: string): Promise<Message> {
    const current = await this.authorizeOwnOrModerated(actor, chatId, messageId, 'delete');
    if (current.deletedAt) return this.wire(actor.tenantId, current);
    const row = await this.messages.tombstone(actor.tenantId, chatId, messageId);
    if (!row) return this.wire(actor.tenantId, await this.getRow(actor.tenantId, chatId, messageId));
    await this.attachments.deleteForMessages(actor.tenantId, [messageId]);
    this.events.toChat(actor.tenantId, chatId, 'message:deleted', {
      message: this.wire(actor.tenantId, row),
    });
    return this.wire(actor.tenantId, row);
  }

  /** Reacting twice with the same emoji changes nothing and answers the message as it is. */
  async react(actor: Actor, chatId: string, messageId: string, emoji: string): Promise<Message> {
    const access = await this.chats.authorize(actor, chatId, 'post');
    const outcome = await this.messages.addReaction(
      actor.tenantId,
      chatId,
      messageId,
      access.userId!,
      emoji,
      MAX_DISTINCT_REACTIONS,
    );
    return this.afterReaction(actor, chatId, messageId, outcome, {
      userId: access.userId!,
      emoji,
      action: 'added',
    });
  }

  async unreact(actor: Actor, chatId: string, messageId: string, emoji: string): Promise<Message> {
    const access = await this.chats.authorize(actor, chatId, 'post');
    const outcome = await this.messages.removeReaction(
      actor.tenantId,
      chatId,
      messageId,
      access.userId!,
      emoji,
    );
    return this.afterReaction(actor, chatId, messageId, outcome, {
      userId: access.userId!,
      emoji,
      action: 'removed',
    });
  }

  /**
   * A page of history by seq. `before` (or nothing) gives the newest messages below it and a cursor for
   * the next `before`; `after` gives the oldest above it and a cursor for the next `after`.
   */
  async history(
    actor: Actor,
    chatId: string,
    query: { before?: number | undefined; after?: number | undefined; limit?: number | undefined },
  ): Promise<List<Message>> {
    const limit = pageLimit(actor.settings, query.limit, DEFAULT_HISTORY_PAGE);
    await this.chats.authorize(actor, chatId, 'read');
    const rows = await this.messages.history(actor.tenantId, chatId, { ...query, limit: limit + 1 });
    const hasMore = rows.length > limit;
    const forward = query.after !== undefined;
    const page = forward ? rows.slice(0, limit) : rows.slice(rows.length - Math.min(rows.length, limit));
    const edge = forward ? page.at(-1) : page[0];
    return { data: await this.view(actor, page), nextCursor: hasMore && edge ? String(edge.seq) : null };
  }

  async changes(actor: Actor, chatId: string, since: number, limit: number | undefined): Promise<Changes> {
    const size = pageLimit(actor.settings, limit, DEFAULT_CHANGES_PAGE);
    await this.chats.authorize(actor, chatId, 'read');
    const { rows, chatVersion } = await this.messages.changes(actor.tenantId, chatId, since, size + 1);
    const hasMore = rows.length > size;
    const page = rows.slice(0, size);
    return {
      data: await this.view(actor, page),
      version: hasMore ? page.at(-1)!.version : Math.max(chatVersion, since),
      hasMore,
    };
  }

  /** The newest message of each chat, for chat lists; `seq` 0 means the chat has none. */
  async latest(actor: Actor, chats: { chatId: string; seq: number }[]): Promise<Map<string, Message>> {
    const rows = await this.messages.latest(
      actor.tenantId,
      chats.filter((c) => c.seq > 0),
    );
    const messages = await this.view(actor, rows);
    return new Map(messages.map((m) => [m.chatId, m]));
  }

  /**
   * Erasure: every message the user sent becomes an anonymous tombstone; their reactions go, and
   * every file they uploaded.
   */
  async eraseUser(tenantId: TenantId, userId: string): Promise<void> {
    for (const chatId of await this.messages.chatsTouchedBy(tenantId, userId)) {
      const { tombstoned, updated } = await this.messages.eraseUserInChat(tenantId, chatId, userId);
      for (const row of tombstoned)
        this.events.toChat(tenantId, chatId, 'message:deleted', { message: this.wire(tenantId, row) });
      for (const row of updated)
        this.events.toChat(tenantId, chatId, 'message:updated', { message: this.wire(tenantId, row) });
    }
    await this.attachments.deleteUploadsOf(tenantId, userId);
  }

  private checkTextLength(actor: Actor, text: string): void {
    const limit = actor.settings.limits.textLength;
    if (text.length > limit) throw new TextTooLongError(limit);
  }

  private async authorizeOwnOrModerated(
    actor: Actor,
    chatId: string,
    messageId: string,
    action: 'edit' | 'delete',
  ): Promise<MessageRow> {
    const access = await this.chats.authorize(actor, chatId, 'read');
    const row = await this.getRow(actor.tenantId, chatId, messageId);
    const ownMessage = row.senderId !== null && row.senderId === actor.userId;
    if (!ownMessage && !access.canModerate) throw new NotMessageSenderError(action);
    if (action === 'edit' && row.deletedAt) throw new MessageDeletedError(messageId);
    return row;
  }

  private async afterReaction(
    actor: Actor,
    chatId: string,
    messageId: string,
    outcome: ReactionOutcome,
    reaction: NonNullable<MessageEvent['reaction']>,
  ): Promise<Message> {
    if (outcome.kind === 'changed') {
      this.events.toChat(actor.tenantId, chatId, 'message:updated', {
        message: this.wire(actor.tenantId, outcome.row),
        reaction,
      });
      return (await this.view(actor, [outcome.row]))[0]!;
    }
    const row = await this.getRow(actor.tenantId, chatId, messageId);
    if (row.deletedAt) throw new MessageDeletedError(messageId);
    if (outcome.kind === 'refused') throw new TooManyReactionsError(MAX_DISTINCT_REACTIONS);
    return (await this.view(actor, [row]))[0]!;
  }

  private async getRow(tenantId: TenantId, chatId: string, messageId: string): Promise<MessageRow> {
    const row = await this.messages.get(tenantId, chatId, messageId);
    if (!row) throw new MessageNotFoundError(messageId);
    return row;
  }

  /** Wire messages for this viewer, with `me` set on the reactions that are theirs (search uses it too). */
  async view(actor: Actor, rows: MessageRow[]): Promise<Message[]> {
    const withReactions = rows.filter((r) => Object.keys(r.reactionCounts).length > 0).map((r) => r.id);
    const mine =
      actor.userId && withReactions.length > 0
        ? await this.messages.reactionsBy(actor.tenantId, actor.userId, withReactions)
        : new Map<string, Set<string>>();
    return rows.map((row) => this.wire(actor.tenantId, row, mine.get(row.id)));
  }

  /** The wire shape, with the attachments' URLs signed now. */
  private wire(tenantId: TenantId, row: MessageRow, mine?: ReadonlySet<string>): Message {
    return toMessage(row, this.attachments.present(tenantId, row.attachments), mine);
  }

  /**
   * Claims the uploads a send names for the message `messageId`, unless this is a resend of a clientId
   * already stored (the writer answers the original, whose uploads are already its own).
   */
  private async claimAttachments(
    tenantId: TenantId,
    chatId: string,
    senderId: string,
    body: SendMessageBody,
    messageId: string,
  ): Promise<StoredAttachment[] | null> {
    if (!body.attachments) return null;
    if (await this.messages.bySenderClientId(tenantId, senderId, body.clientId)) return null;
    return this.attachments.attach(tenantId, chatId, senderId, body.attachments, messageId);
  }
}
