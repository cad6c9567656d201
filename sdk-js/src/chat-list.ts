import type { Chat, List, MessageEvent, ServerEventName, ServerEventPayload } from '@parley/protocol';
import type { ClientContext } from './context.js';
import type { Unsubscribe } from './emitter.js';
import { Store, type ReadonlyStore } from './store.js';

export interface ChatListState {
  /** The user's chats, most recent activity first, each with its last message and my unread count. */
  chats: readonly Chat[];
  /** More (older) chats exist on the server: `loadMore()`. */
  hasMore: boolean;
  loading: boolean;
}

/**
 * The user's chat list, kept current: a new message moves its chat to the top with its unread count,
 * a chat the user is put in appears, one they leave disappears, renames show; after a reconnect it is
 * fetched again. Get one from `client.chats.watchList()`.
 */
export class ChatList {
  private readonly store: Store<ChatListState>;
  private cursor: string | null = null;
  private loaded = 0;

  constructor(
    private readonly context: ClientContext,
    private readonly pageSize: number,
    private readonly onClose: (list: ChatList) => void,
  ) {
    this.store = new Store<ChatListState>({ chats: [], hasMore: false, loading: false }, (error) =>
      context.logger.error('A chat list subscriber threw', error),
    );
  }

  get state(): ReadonlyStore<ChatListState> {
    return this.store;
  }

  getState(): ChatListState {
    return this.store.get();
  }

  subscribe(listener: (state: ChatListState, previous: ChatListState) => void): Unsubscribe {
    return this.store.subscribe(listener);
  }

  /** Fetches the next page; resolves with whether more remain. */
  async loadMore(): Promise<boolean> {
    const state = this.store.get();
    if (state.loading || (this.loaded > 0 && !state.hasMore)) return state.hasMore;
    this.patch({ loading: true });
    try {
      const page = await this.fetch(this.pageSize, this.cursor);
      const known = new Set(this.store.get().chats.map((c) => c.id));
      this.cursor = page.nextCursor;
      this.loaded += page.data.length;
      this.patch({
        chats: [...this.store.get().chats, ...page.data.filter((c) => !known.has(c.id))],
        hasMore: page.nextCursor !== null,
      });
      return page.nextCursor !== null;
    } finally {
      this.patch({ loading: false });
    }
  }

  /** Fetches again as many chats as are loaded (after a reconnect, events may have been missed). */
  async refresh(): Promise<void> {
    const page = await this.fetch(Math.max(this.pageSize, this.loaded), null);
    this.cursor = page.nextCursor;
    this.loaded = page.data.length;
    this.patch({ chats: page.data, hasMore: page.nextCursor !== null });
  }

  close(): void {
    this.onClose(this);
  }

  /** A server event, from `client.chats`. */
  onEvent<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    switch (event) {
      case 'message:new':
      case 'message:updated':
      case 'message:deleted':
        return this.onMessage(event, payload as MessageEvent);
      case 'chat:updated': {
        const { chatId, title, memberCount } = payload as ServerEventPayload<'chat:updated'>;
        if (!this.find(chatId)) return void this.fetchOne(chatId, true);
        return this.change(chatId, (chat) => ({ ...chat, title, memberCount }));
      }
      case 'member:removed': {
        const { chatId, userId } = payload as ServerEventPayload<'member:removed'>;
        if (userId !== this.context.userId) return;
        return this.patch({ chats: this.store.get().chats.filter((c) => c.id !== chatId) });
      }
      case 'receipt': {
        const receipt = payload as ServerEventPayload<'receipt'>;
        const chat = this.find(receipt.chatId);
        if (!chat || receipt.userId !== this.context.userId || !chat.membership) return;
        if (receipt.readSeq <= chat.membership.readSeq) return;
        // Read up to the last message: nothing is unread. Otherwise the server counts.
        if (receipt.readSeq < chat.lastSeq) return void this.fetchOne(chat.id, false);
        return this.change(chat.id, (c) => ({
          ...c,
          unread: 0,
          membership: c.membership && { ...c.membership, readSeq: receipt.readSeq },
        }));
      }
      default:
        return;
    }
  }

  private onMessage(event: ServerEventName, { message }: MessageEvent): void {
    const chat = this.find(message.chatId);
    if (!chat) {
      if (event === 'message:new') void this.fetchOne(message.chatId, true);
      return;
    }
    if (event !== 'message:new') {
      if (chat.lastMessage?.id === message.id && message.version > chat.lastMessage.version)
        this.change(chat.id, (c) => ({ ...c, lastMessage: message }));
      return;
    }
    if (message.seq <= chat.lastSeq) return;
    const fromOthers = message.senderId !== null && message.senderId !== this.context.userId;
    const updated: Chat = {
      ...chat,
      lastMessage: message,
      lastSeq: message.seq,
      version: Math.max(chat.version, message.version),
      lastMessageAt: message.createdAt,
      unread: chat.unread + (fromOthers && message.seq > (chat.membership?.readSeq ?? 0) ? 1 : 0),
    };
    this.patch({ chats: [updated, ...this.store.get().chats.filter((c) => c.id !== chat.id)] });
  }

  /** A chat this list does not hold (new to the user), or whose counts only the server knows. */
  private async fetchOne(chatId: string, toTop: boolean): Promise<void> {
    try {
      const chat = await this.context.http.request<Chat>('GET', `/v1/chats/${chatId}`);
      const others = this.store.get().chats.filter((c) => c.id !== chatId);
      const at = this.store.get().chats.findIndex((c) => c.id === chatId);
      if (toTop || at < 0) this.patch({ chats: [chat, ...others] });
      else this.change(chatId, () => chat);
    } catch (error) {
      this.context.logger.debug(`Chat ${chatId} not fetched for the list`, error);
    }
  }

  private fetch(limit: number, cursor: string | null): Promise<List<Chat>> {
    return this.context.http.request<List<Chat>>('GET', '/v1/chats', {
      query: { limit, cursor: cursor ?? undefined },
    });
  }

  private find(chatId: string): Chat | undefined {
    return this.store.get().chats.find((c) => c.id === chatId);
  }

  private change(chatId: string, update: (chat: Chat) => Chat): void {
    this.patch({ chats: this.store.get().chats.map((c) => (c.id === chatId ? update(c) : c)) });
  }

  private patch(change: Partial<ChatListState>): void {
    this.store.update((state) => ({ ...state, ...change }));
  }
}
