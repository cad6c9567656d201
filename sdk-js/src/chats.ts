import type {
  Chat,
  List,
  Message,
  MessageEvent,
  ServerEventName,
  ServerEventPayload,
} from '@parley/protocol';
import { ParleyChat } from './chat.js';
import { ChatList } from './chat-list.js';
import type { ClientContext } from './context.js';
import { asServerId } from './ids.js';
import { ParleyError } from './errors.js';

export interface CreateGroupOptions {
  /** Other members (user ids); you are added as the owner. */
  members: string[];
  title?: string;
}

/**
 * `client.chats`: list the user's chats, open one (by id, or the direct chat with someone), create
 * groups. An open chat (`ParleyChat`) follows live events and catches up after reconnects until it
 * is closed; opening it twice answers the same object.
 */
export class ChatsModule {
  private readonly chats = new Map<string, ParleyChat>();
  private readonly opening = new Map<string, Promise<ParleyChat>>();
  private readonly lists = new Set<ChatList>();

  constructor(private readonly context: () => ClientContext) {}

  /** The user's chats, most recently active first, each with its last message and unread count. */
  list(options: { cursor?: string; limit?: number } = {}): Promise<List<Chat>> {
    return this.context().http.request('GET', '/v1/chats', { query: { ...options } });
  }

  /**
   * The user's chat list, kept current by live events (see `ChatList`); resolves once its first page
   * is loaded. `close()` it when done.
   */
  async watchList(options: { pageSize?: number } = {}): Promise<ChatList> {
    const list = new ChatList(this.context(), options.pageSize ?? 30, (closed) => this.lists.delete(closed));
    this.lists.add(list);
    await list.loadMore();
    return list;
  }

  /** Opens a chat: loads its newest messages, then follows it. */
  open(chat: string | Chat): Promise<ParleyChat> {
    const chatId = asServerId(typeof chat === 'string' ? chat : chat.id);
    const known = this.chats.get(chatId);
    if (known) return Promise.resolve(known);
    let opening = this.opening.get(chatId);
    if (!opening) {
      opening = this.load(chatId).finally(() => this.opening.delete(chatId));
      this.opening.set(chatId, opening);
    }
    return opening;
  }

  /** Opens the direct chat with `userId` (created on first use; always the same chat). */
  async openDirect(userId: string): Promise<ParleyChat> {
    const context = this.context();
    const chat = await context.http.request<Chat>('POST', '/v1/chats', {
      body: { kind: 'direct', members: [context.userId, userId] },
    });
    return this.open(chat);
  }

  async createGroup(options: CreateGroupOptions): Promise<ParleyChat> {
    const chat = await this.context().http.request<Chat>('POST', '/v1/chats', {
      body: { kind: 'group', members: options.members, ...(options.title ? { title: options.title } : {}) },
    });
    return this.open(chat);
  }

  /** An open chat, if it is. */
  get(chatId: string): ParleyChat | undefined {
    return this.chats.get(asServerId(chatId));
  }

  /** Every open chat. */
  get opened(): ParleyChat[] {
    return [...this.chats.values()];
  }

  /**
   * A message sent from this connection was stored. Its ack is the only word of it this connection
   * gets (the server's `message:new` leaves out the socket that sent it), so lists hear it here.
   */
  stored(clientId: string, message: Message): void {
    for (const list of this.lists) list.onEvent('message:new', { message });
    this.chats.get(message.chatId)?.onStored(clientId, message);
  }

  /** Routes a server event to the open chat it concerns. */
  handle<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    for (const list of this.lists) list.onEvent(event, payload);
    switch (event) {
      case 'message:new':
      case 'message:updated':
      case 'message:deleted': {
        const { message } = payload as MessageEvent;
        const chat = this.chats.get(message.chatId);
        if (chat) chat.onMessageEvent(payload as MessageEvent);
        else if (event === 'message:new' && message.senderId && message.senderId !== this.context().userId)
          this.context().delivered(message.chatId, message.seq);
        return;
      }
      case 'typing': {
        const typing = payload as ServerEventPayload<'typing'>;
        return this.chats.get(typing.chatId)?.onTyping(typing.userId, typing.isTyping);
      }
      case 'receipt': {
        const receipt = payload as ServerEventPayload<'receipt'>;
        return this.chats.get(receipt.chatId)?.onReceipt(receipt);
      }
      case 'chat:updated': {
        const updated = payload as ServerEventPayload<'chat:updated'>;
        return this.chats.get(updated.chatId)?.onChatUpdated(updated);
      }
      case 'member:added': {
        const added = payload as ServerEventPayload<'member:added'>;
        return this.chats.get(added.chatId)?.onMemberAdded(added.member);
      }
      case 'member:removed': {
        const removed = payload as ServerEventPayload<'member:removed'>;
        return this.chats.get(removed.chatId)?.onMemberRemoved(removed.userId);
      }
      default:
        return;
    }
  }

  onOnline(): void {
    for (const chat of this.chats.values()) chat.onOnline();
    for (const list of this.lists) {
      list.refresh().catch((error: unknown) => this.context().logger.warn('Chat list not refreshed', error));
    }
  }

  onOffline(): void {
    for (const chat of this.chats.values()) chat.onOffline();
  }

  closeAll(): void {
    for (const chat of [...this.chats.values()]) chat.close();
    for (const list of [...this.lists]) list.close();
  }

  private async load(chatId: string): Promise<ParleyChat> {
    const context = this.context();
    const summary = await context.http.request<Chat>('GET', `/v1/chats/${chatId}`);
    const chat = new ParleyChat(summary, context, (closed) => {
      if (this.chats.get(closed.id) === closed) this.chats.delete(closed.id);
      context.outbox.drop(new ParleyError('closed', `Chat ${closed.id} was closed`), closed.id);
    });
    // Registered before loading, so that no live event is missed meanwhile.
    this.chats.set(chatId, chat);
    try {
      await chat.load();
    } catch (error) {
      chat.close();
      throw error;
    }
    return chat;
  }
}
