import type {
  Attachment,
  ClientEventInput,
  ClientEventResult,
  Chat,
  ChatUpdatedEvent,
  List,
  Member,
  MemberRole,
  Message,
  MessageEvent,
  Receipt,
  ReceiptEvent,
} from '@parley/protocol';
import { retrying, socketOrRest } from './actions.js';
import type { ClientContext } from './context.js';
import type { Unsubscribe } from './emitter.js';
import { ParleyError } from './errors.js';
import { echo, liveReactions, localId, MessageWindow, type LocalMessage } from './message-list.js';
import { ReceiptBook } from './receipts.js';
import { Store, type ReadonlyStore } from './store.js';
import { TypingNotifier, TypingTracker } from './typing.js';
import { upload, type UploadOptions, type UploadSource } from './uploads.js';
import { ChatSync } from './chat-sync.js';
import type { OutgoingMessage } from './outbox.js';

export interface SendOptions {
  /** Files from `upload()` (or their ids) to attach; at most 10. */
  attachments?: (Attachment | string)[];
  /** Id of the message this one answers. */
  replyTo?: string;
  /**
   * The send's idempotency key.
   * @default a random UUID
   */
  clientId?: string;
}

/** Everything a chat view renders; a new snapshot after every change. */
export interface ChatState {
  /** The chat's summary (title, member count, last message, my unread count, my membership). */
  chat: Chat;
  /** Stored messages in `seq` order, then local echoes in the order they were sent. */
  messages: readonly LocalMessage[];
  /** Older messages exist on the server that are not loaded (`loadOlder()`). */
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Other members typing now. */
  typing: readonly string[];
  /** Each member's delivered and read pointers (for chats of at most `receiptsUpTo` members). */
  receipts: Readonly<Record<string, Receipt>>;
  /**
   * True while the messages are known to equal the server's: false while offline and until the
   * catch-up after a reconnect has finished.
   */
  synced: boolean;
  /** `close()` was called, or the current user left or was removed. */
  closed: boolean;
}

type Source = 'live' | 'server';

/** Attempts at an edit, delete or reaction the server refuses for now. */
const CHANGE_ATTEMPTS = 5;

/**
 * One chat the app has open: its messages (kept equal to the server's through live events and
 * catch-up), typing, receipts, and the actions on it. Get one from `client.chats`.
 */
export class ParleyChat {
  readonly id: string;
  private readonly store: Store<ChatState>;
  private readonly window = new MessageWindow();
  private readonly receipts: ReceiptBook;
  private readonly typingIn: TypingTracker;
  private readonly typingOut: TypingNotifier;
  private readonly sync: ChatSync;
  private loaded = false;
  /** Live events during the first load, and events below the window while an older page loads. */
  private parked: { message: Message; source: Source; reaction?: MessageEvent['reaction'] }[] | null = null;
  /** clientIds of messages sent from here: their stored messages keep the echo's `key`. */
  private readonly sentHere = new Set<string>();

  constructor(
    chat: Chat,
    private readonly context: ClientContext,
    private readonly onClose: (chat: ParleyChat) => void,
  ) {
    this.id = chat.id;
    const { timers, logger, userId } = context;
    this.receipts = new ReceiptBook(userId);
    this.sync = new ChatSync(chat.id, context, {
      applyPage: (messages) => {
        for (const message of messages) this.apply(message, 'server');
        this.publish();
      },
      finished: async (changes) => {
        // The summary (unread count, last message) moved with what came in.
        if (changes > 0) await this.refreshSummary();
        if (context.connection.state === 'online') this.patch({ synced: true });
      },
      isClosed: () => this.store.get().closed,
    });
    this.store = new Store<ChatState>(
      {
        chat,
        messages: [],
        hasOlder: false,
        loadingOlder: false,
        typing: [],
        receipts: {},
        synced: false,
        closed: false,
      },
      (error) => logger.error('A chat subscriber threw', error),
    );
    this.typingIn = new TypingTracker(timers, context.options.typing.expireMs, (typing) =>
      this.patch({ typing }),
    );
    this.typingOut = new TypingNotifier(chat.id, context.connection, timers, logger, context.options.typing);
  }

  /** The chat's state store: `chat.state.get()`, `chat.state.subscribe(listener)`. */
  get state(): ReadonlyStore<ChatState> {
    return this.store;
  }

  getState(): ChatState {
    return this.store.get();
  }

  /** Calls `listener` after every change of the state; returns its unsubscribe. */
  subscribe(listener: (state: ChatState, previous: ChatState) => void): Unsubscribe {
    return this.store.subscribe(listener);
  }

  /** Loads the chat and its newest page of messages, then catches up (done by `client.chats`). */
  async load(): Promise<void> {
    const { http, options } = this.context;
    // The summary was read before the page: changes in between come again through catch-up.
    const { chat } = this.store.get();
    this.parked = [];
    const page = await http.request<List<Message>>('GET', `/v1/chats/${this.id}/messages`, {
      query: { limit: options.pageSize },
    });
    this.sync.start(chat.version);
    this.window.floorSeq = page.nextCursor !== null ? (page.data[0]?.seq ?? 0) : 0;
    for (const message of page.data) this.apply(message, 'server');
    this.loaded = true;
    // Live events that came during the load, now that the window's floor is known.
    const early = this.parked ?? [];
    this.parked = null;
    for (const parked of early) this.apply(parked.message, parked.source, parked.reaction);
    this.publish({ hasOlder: page.nextCursor !== null });
    await Promise.all([this.loadReceipts(), this.catchUp()]);
  }

  /** Loads the page of messages before the oldest loaded one; resolves with whether more remain. */
  async loadOlder(limit = this.context.options.pageSize): Promise<boolean> {
    const state = this.store.get();
    if (!state.hasOlder || state.loadingOlder) return state.hasOlder;
    this.patch({ loadingOlder: true });
    this.parked = [];
    try {
      const page = await this.context.http.request<List<Message>>('GET', `/v1/chats/${this.id}/messages`, {
        query: { before: this.window.floorSeq, limit },
      });
      this.window.floorSeq = page.nextCursor !== null ? (page.data[0]?.seq ?? 0) : 0;
      for (const message of page.data) this.apply(message, 'server');
      // Changes to those messages that came in meanwhile are newer than the page (or equal).
      for (const parked of this.parked) this.apply(parked.message, parked.source, parked.reaction);
      this.publish({ hasOlder: page.nextCursor !== null });
      return page.nextCursor !== null;
    } finally {
      this.parked = null;
      this.patch({ loadingOlder: false });
    }
  }

  /**
   * Sends a message: it shows at once as a local echo (`sending`) and resolves with the stored
   * message; rejects with a `ParleyError` if the server refuses it for good (the echo turns `failed`).
   * Offline, it waits in the outbox and goes once online. `attachments` are files from `upload()`
   * (the text may then be empty).
   */
  send(text: string | null, options: SendOptions = {}): Promise<Message> {
    if (this.store.get().closed) return Promise.reject(this.closedError());
    const clientId = options.clientId ?? this.context.newClientId();
    this.sentHere.add(clientId);
    const files = options.attachments ?? [];
    const now = this.context.timers.now();
    const shown = files.filter((file): file is Attachment => typeof file !== 'string');
    const body = text || null;
    this.window.putEcho(
      echo(this.id, this.context.userId, clientId, body, options.replyTo ?? null, shown, now),
    );
    this.publish();
    this.typingOut.stop();
    const outgoing: OutgoingMessage = {
      chatId: this.id,
      clientId,
      ...(body ? { text: body } : {}),
      ...(files.length
        ? { attachments: files.map((file) => (typeof file === 'string' ? file : file.id)) }
        : {}),
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    };
    const sent = this.context.outbox.add(outgoing);
    sent.catch(() => undefined); // reported through the echo's `failed` state; awaiting is optional
    return sent;
  }

  /** Sends a `failed` message again (same `clientId`: still never a duplicate). */
  retry(clientId: string): Promise<Message> {
    const failed = this.window.echoOf(clientId);
    if (!failed || failed.status !== 'failed') {
      return Promise.reject(new ParleyError('not_found', `No failed message with clientId ${clientId}`));
    }
    this.window.removeEcho(clientId);
    return this.send(failed.text, {
      clientId,
      ...(failed.attachments.length ? { attachments: failed.attachments } : {}),
      ...(failed.replyTo ? { replyTo: failed.replyTo } : {}),
    });
  }

  /**
   * Uploads a file to send in this chat (`send(text, { attachments: [attachment] })`), reporting
   * progress. Refused files reject with `payload_too_large` or `unsupported_media_type`.
   */
  upload(file: UploadSource, options: UploadOptions = {}): Promise<Attachment> {
    if (this.store.get().closed) return Promise.reject(this.closedError());
    return upload(this.context, this.id, file, options);
  }

  /** Forgets a `failed` message. */
  discard(clientId: string): void {
    if (this.window.echoOf(clientId)?.status === 'failed' && this.window.removeEcho(clientId)) this.publish();
  }

  edit(messageId: string, text: string): Promise<Message> {
    return this.change('message:edit', { chatId: this.id, messageId, text }, () =>
      this.context.http.request('PATCH', `/v1/chats/${this.id}/messages/${messageId}`, { body: { text } }),
    );
  }

  delete(messageId: string): Promise<Message> {
    return this.change('message:delete', { chatId: this.id, messageId }, () =>
      this.context.http.request('DELETE', `/v1/chats/${this.id}/messages/${messageId}`),
    );
  }

  react(messageId: string, emoji: string): Promise<Message> {
    return this.change('reaction:add', { chatId: this.id, messageId, emoji }, () =>
      this.context.http.request('PUT', this.reactionPath(messageId, emoji)),
    );
  }

  unreact(messageId: string, emoji: string): Promise<Message> {
    return this.change('reaction:remove', { chatId: this.id, messageId, emoji }, () =>
      this.context.http.request('DELETE', this.reactionPath(messageId, emoji)),
    );
  }

  /** Moves my read pointer to `seq` (default: the newest message); it never moves back. */
  async markRead(seq?: number): Promise<Receipt> {
    const receipt = await socketOrRest(
      this.context.connection,
      'read',
      seq === undefined ? { chatId: this.id } : { chatId: this.id, seq },
      () =>
        this.context.http.request('POST', `/v1/chats/${this.id}/read`, {
          body: seq === undefined ? {} : { seq },
        }),
    );
    this.ownReceipt(receipt);
    return receipt;
  }

  /** Call on every keystroke: "typing" goes out throttled, and stops by itself when idle. */
  typing(): void {
    if (!this.store.get().closed) this.typingOut.keystroke();
  }

  stopTyping(): void {
    this.typingOut.stop();
  }

  members(options: { cursor?: string; limit?: number } = {}): Promise<List<Member>> {
    return this.context.http.request('GET', `/v1/chats/${this.id}/members`, { query: { ...options } });
  }

  addMembers(userIds: string[], role: Exclude<MemberRole, 'owner'> = 'member'): Promise<List<Member>> {
    return this.context.http.request('POST', `/v1/chats/${this.id}/members`, {
      body: { members: userIds, role },
    });
  }

  removeMember(userId: string): Promise<void> {
    return this.context.http.request('DELETE', `/v1/chats/${this.id}/members/${encodeURIComponent(userId)}`);
  }

  /** Leaves the chat (and closes it here). */
  async leave(): Promise<void> {
    await this.removeMember(this.context.userId);
    this.close();
  }

  async rename(title: string | null): Promise<Chat> {
    const chat = await this.context.http.request<Chat>('PATCH', `/v1/chats/${this.id}`, { body: { title } });
    this.patch({ chat });
    return chat;
  }

  /** Stops following the chat; its state stays readable. */
  close(): void {
    if (this.store.get().closed) return;
    this.typingOut.stop();
    this.typingIn.clear();
    this.sync.stop();
    this.patch({ closed: true, synced: false });
    this.onClose(this);
  }

  // ---- fed by client.chats -------------------------------------------------------------------

  /** A live message event of this chat. */
  onMessageEvent(event: MessageEvent): void {
    const { message, reaction } = event;
    if (message.senderId && message.senderId !== this.context.userId)
      this.typingIn.set(message.senderId, false);
    const outcome = this.apply(message, 'live', reaction);
    this.sync.saw(message.version);
    if (outcome === 'none') return;
    const chat = this.store.get().chat;
    const unread =
      outcome === 'new' && message.senderId !== this.context.userId && message.seq > this.myReadSeq();
    this.publish(
      outcome === 'new'
        ? {
            chat: {
              ...chat,
              unread: chat.unread + (unread ? 1 : 0),
              lastMessage: message,
              lastSeq: Math.max(chat.lastSeq, message.seq),
              lastMessageAt: message.createdAt,
            },
          }
        : {},
    );
  }

  onTyping(userId: string, isTyping: boolean): void {
    if (userId !== this.context.userId) this.typingIn.set(userId, isTyping);
  }

  onReceipt(event: ReceiptEvent): void {
    if (event.userId === this.context.userId) return this.ownReceipt(event);
    const before = this.receipts.marks();
    this.receipts.update(event);
    this.restyle(before);
    this.publish({ receipts: this.receipts.snapshot() });
  }

  onChatUpdated(event: ChatUpdatedEvent): void {
    const chat = this.store.get().chat;
    this.patch({ chat: { ...chat, title: event.title, memberCount: event.memberCount } });
  }

  onMemberAdded(member: Member): void {
    const before = this.receipts.marks();
    this.receipts.add(member.userId);
    this.restyle(before);
    this.publish({ receipts: this.receipts.snapshot() });
  }

  onMemberRemoved(userId: string): void {
    if (userId === this.context.userId) return this.close();
    const before = this.receipts.marks();
    this.receipts.remove(userId);
    this.restyle(before);
    this.publish({ receipts: this.receipts.snapshot() });
  }

  onOnline(): void {
    if (!this.loaded || this.store.get().closed) return;
    void this.loadReceipts().catch((error: unknown) => this.context.logger.warn('receipts', error));
    void this.catchUp();
  }

  onOffline(): void {
    this.typingIn.clear();
    this.patch({ synced: false });
  }

  /** The outbox's answer for a message sent from here. */
  onStored(clientId: string, message: Message): void {
    this.apply(message, 'server');
    this.sync.saw(message.version);
    this.publish();
  }

  onSendFailed(clientId: string, error: ParleyError): void {
    const pending = this.window.echoOf(clientId);
    if (!pending) return;
    this.window.putEcho({
      ...pending,
      status: 'failed',
      error: { code: error.code, message: error.message },
    });
    this.publish();
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Applies one server view of a message: a newer version replaces the older (a REST or ack view also
   * replaces a live view of the same version, for its exact `me`); messages below the loaded window
   * are left for `loadOlder`.
   */
  private apply(
    message: Message,
    source: Source,
    reaction?: MessageEvent['reaction'],
  ): 'new' | 'changed' | 'none' {
    if (!this.loaded && source === 'live') {
      this.parked?.push(reaction ? { message, source, reaction } : { message, source });
      return 'none';
    }
    const known = this.window.bySeq(message.seq);
    if (known && (source === 'live' ? message.version <= known.version : message.version < known.version))
      return 'none';
    if (!known && message.seq < this.window.floorSeq) {
      this.parked?.push(reaction ? { message, source, reaction } : { message, source });
      return 'none';
    }
    const mine = message.senderId === this.context.userId && message.senderId !== null;
    const reactions =
      source === 'live' ? liveReactions(message, known, reaction, this.context.userId) : message.reactions;
    const keepKey = mine && message.clientId !== null && this.sentHere.has(message.clientId);
    this.window.put({
      ...message,
      reactions,
      key: known?.key ?? (keepKey ? localId(message.clientId!) : message.id),
      status: mine ? this.receipts.statusOf(message.seq) : 'sent',
      error: null,
    });
    if (mine && message.clientId !== null) {
      if (this.window.removeEcho(message.clientId))
        this.context.outbox.confirm(this.id, message.clientId, message);
    }
    if (!known && !mine && message.senderId !== null) this.context.delivered(this.id, message.seq);
    return known ? 'changed' : 'new';
  }

  /**
   * Edits, deletes and reactions are idempotent: one refused for now (rate limit, time limit, a node
   * going down) is made again with backoff, a few times. Offline, they go over REST.
   */
  private async change<E extends 'message:edit' | 'message:delete' | 'reaction:add' | 'reaction:remove'>(
    event: E,
    payload: ClientEventInput<E>,
    rest: () => Promise<Message>,
  ): Promise<Message> {
    this.requireOpen();
    const { connection, options, random, timers } = this.context;
    // Each of these events acks with the Message.
    const viaRest = rest as () => Promise<ClientEventResult<E>>;
    const work = () => socketOrRest(connection, event, payload, viaRest) as Promise<Message>;
    const message = await retrying(work, CHANGE_ATTEMPTS, options.retry, random, timers);
    this.apply(message, 'server');
    this.sync.saw(message.version);
    this.publish();
    return message;
  }

  /** Catches up with the server now (`client.chats` does it after every reconnect). */
  catchUp(): Promise<void> {
    return this.sync.catchUp();
  }

  private async loadReceipts(): Promise<void> {
    const { http, options } = this.context;
    if (this.store.get().chat.memberCount > options.receiptsUpTo) return;
    const all: Receipt[] = [];
    let cursor: string | null = null;
    do {
      const page: List<Receipt> = await http.request<List<Receipt>>('GET', `/v1/chats/${this.id}/receipts`, {
        query: { cursor: cursor ?? undefined, limit: 100 },
      });
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor !== null && all.length <= options.receiptsUpTo);
    const before = this.receipts.marks();
    this.receipts.reset(all, cursor === null);
    this.restyle(before, true);
    this.publish({ receipts: this.receipts.snapshot() });
  }

  private ownReceipt(receipt: Receipt): void {
    this.receipts.update(receipt);
    const state = this.store.get();
    const membership = state.chat.membership;
    const readSeq = Math.max(membership?.readSeq ?? 0, receipt.readSeq);
    let unread = state.chat.unread;
    if (this.loaded && this.window.floorSeq <= readSeq + 1) {
      unread = this.countUnread(readSeq);
    } else {
      // Unread messages below the loaded window, or no window yet (a receipt that comes while the
      // first page loads): the server counts them.
      void this.refreshSummary();
    }
    this.patch({
      receipts: this.receipts.snapshot(),
      chat: {
        ...state.chat,
        unread,
        membership: membership
          ? { ...membership, readSeq, deliveredSeq: Math.max(membership.deliveredSeq, receipt.deliveredSeq) }
          : membership,
      },
    });
  }

  private countUnread(readSeq: number): number {
    let unread = 0;
    const messages = this.window.storedMessages();
    for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > readSeq; i--) {
      const message = messages[i]!;
      if (message.senderId !== this.context.userId && !message.deletedAt) unread += 1;
    }
    return unread;
  }

  private async refreshSummary(): Promise<void> {
    try {
      const chat = await this.context.http.request<Chat>('GET', `/v1/chats/${this.id}`);
      this.patch({ chat: { ...chat, version: Math.max(chat.version, this.sync.version) } });
    } catch (error) {
      this.context.logger.debug('Chat summary not refreshed', error);
    }
  }

  private myReadSeq(): number {
    return this.store.get().chat.membership?.readSeq ?? 0;
  }

  /** Re-derives my messages' statuses after the receipt pointers moved. */
  private restyle(before: { delivered: number; read: number }, all = false): void {
    const from = all ? 0 : this.receipts.changedSince(before);
    if (from === null) return;
    const userId = this.context.userId;
    this.window.restyle(from, (message) => {
      if (message.senderId !== userId) return message;
      const status = this.receipts.statusOf(message.seq);
      return status === message.status ? message : { ...message, status };
    });
  }

  private reactionPath(messageId: string, emoji: string): string {
    return `/v1/chats/${this.id}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;
  }

  private requireOpen(): void {
    if (this.store.get().closed) throw this.closedError();
  }

  private closedError(): ParleyError {
    return new ParleyError('closed', `Chat ${this.id} is closed`);
  }

  private patch(change: Partial<ChatState>): void {
    this.store.update((state) => ({ ...state, ...change }));
  }

  /** Publishes the message window (and any other change) as a new snapshot. */
  private publish(change: Partial<ChatState> = {}): void {
    this.patch({ ...change, messages: this.window.snapshot() });
  }
}
