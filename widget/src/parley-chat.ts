import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  ParleyClient,
  type ChatListState,
  type ChatState,
  type ConnectionState,
  type ParleyChat,
  type ChatList,
  type Presence,
  type ReadonlyStore,
  type TokenProvider,
  type Unsubscribe,
} from '@parley/sdk';
import { describeFailure, ParleyElement } from './base-element.js';
import { CHAT_PARTS } from './chat-view.js';
import { guestTokenProvider } from './guest.js';
import { directionOf, pickLanguage, translator } from './i18n.js';
import { LAUNCHER_PARTS } from './launcher.js';
import { LIST_PARTS } from './chat-list.js';
import { NameDirectory, peerOf } from './names.js';
import { StoreController } from './sdk-controller.js';
import { shared, theme } from './styles.js';
import './chat-list.js';
import './chat-view.js';
import './launcher.js';

type View = 'loading' | 'list' | 'chat';
type Scheme = 'light' | 'dark';

// Read through a variable: bundlers rewrite `new URL('…', import.meta.url)` as an asset reference.
const here = import.meta.url;
/** The server this script was loaded from (with its base path, if Parley runs under one). */
const home = (): string => new URL('.', here).href.replace(/\/+$/, '');

const dark = matchMedia('(prefers-color-scheme: dark)');

/**
 * `<parley-chat>`: Parley's chat in one tag. With `chat-id` it opens that chat; otherwise the
 * user's conversations. `mode="launcher"` puts it behind a floating bubble.
 *
 * @fires parley-ready - connected and the first view is rendered (`detail.userId`)
 * @fires parley-error - sign-in, loading or an action failed (`detail.code`, `detail.message`)
 * @fires parley-chat-open - a chat was opened (`detail.chatId`)
 * @fires parley-toggle - the launcher panel opened or closed (`detail.open`)
 * @csspart base - the themed wrapper; `data-scheme` is `light` or `dark`
 */
@customElement('parley-chat')
export class ParleyChatElement extends ParleyElement {
  static override styles = [
    shared,
    theme,
    css`
      :host {
        display: block;
        height: 480px;
      }
      :host([mode='launcher']) {
        display: contents;
      }
      .base {
        border: 1px solid var(--p-surface);
        display: flex;
        flex-direction: column;
        height: 100%;
        overflow: hidden;
        border-radius: var(--p-radius);
      }
      :host([mode='launcher']) .base {
        display: block;
        height: auto;
        border: 0;
        background: none;
      }
      .frame {
        display: flex;
        flex-direction: column;
        flex: 1;
        height: 100%;
        min-height: 0;
      }
      [part='banner'] {
        padding: 6px 12px;
        background: var(--p-surface);
        font-size: 0.85em;
        text-align: center;
      }
      [part='error'] {
        margin: auto;
        padding: 24px;
        text-align: center;
        color: var(--p-danger);
      }
      [part='error'] button {
        display: block;
        margin: 12px auto 0;
        padding: 6px 16px;
        border-radius: 16px;
        background: var(--p-accent);
        color: var(--p-on-accent);
      }
    `,
  ];

  /**
   * The tenant's publishable key (`pk_…`); required.
   * @default ''
   */
  @property({ attribute: 'api-key' }) apiKey = '';
  /**
   * A user token (JWT) signed by the tenant's backend; see also `tokenProvider` and `guest`.
   * @default ''
   */
  @property({ attribute: 'user-token' }) userToken = '';
  /**
   * Open this chat directly (no list, no back button).
   * @default none: the conversation list
   */
  @property({ attribute: 'chat-id' }) chatId = '';
  /**
   * Open the direct chat with this user (created on first use), like `chat-id`: for support chat,
   * where a guest talks to one agent.
   * @default none
   */
  @property({ attribute: 'with-user' }) withUser = '';
  /**
   * `inline` fills the element's box; `launcher` is a floating bubble that opens a panel.
   * @default 'inline'
   */
  @property({ reflect: true }) mode: 'inline' | 'launcher' = 'inline';
  /**
   * `light`, `dark`, or `auto` (follows `prefers-color-scheme`).
   * @default 'auto'
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /**
   * Language of the strings (`en`, `de`, `ar`); `ar` lays the widget out right to left.
   * @default the page's `<html lang>`, else English
   */
  @property() override lang = '';
  /**
   * Where Parley runs.
   * @default the server this script was loaded from
   */
  @property({ attribute: 'base-url' }) baseUrl = '';
  /**
   * Without a user token, sign in as a guest (if the tenant allows it); the guest is remembered
   * in localStorage per api key.
   * @default false
   */
  @property({ type: Boolean }) guest = false;
  /**
   * A guest's display name.
   * @default chosen by the server ("Guest" and a number)
   */
  @property({ attribute: 'guest-name' }) guestName = '';
  /**
   * Supplies user tokens, for tokens that expire: called at connect, before each token expires and
   * when the server refuses one. Takes precedence over `user-token`.
   * @default none
   */
  @property({ attribute: false }) tokenProvider: TokenProvider | null = null;

  /** The SDK client, once connected (for anything the widget does not do itself). */
  client: ParleyClient | null = null;

  @state() private view: View = 'loading';
  @state() private failure: { code: string; message: string } | null = null;
  @state() private open = false;
  @state() private announcement = '';
  @state() private scheme: Scheme = dark.matches ? 'dark' : 'light';

  private readonly connection = new StoreController<ConnectionState>(this);
  private readonly listState = new StoreController<ChatListState>(this, (state) => this.watchPeople(state));
  private readonly chatState = new StoreController<ChatState>(this, (state, previous) => {
    // Senders of messages (and their names) as they come.
    if (state.messages !== previous?.messages) this.directory?.want(state.messages.map((m) => m.senderId));
  });
  private readonly presence = new StoreController<Readonly<Record<string, Presence>>>(this);
  private readonly names = new StoreController<Readonly<Record<string, string>>>(this);
  private directory: NameDirectory | null = null;
  private list: ChatList | null = null;
  private chat: ParleyChat | null = null;
  private me = '';
  private wasOnline = false;
  private generation = 0;
  private offs: Unsubscribe[] = [];
  private readonly asked = new Set<string>();
  private readonly schemeChanged = (): void => {
    this.scheme = dark.matches ? 'dark' : 'light';
  };

  override connectedCallback(): void {
    super.connectedCallback();
    dark.addEventListener('change', this.schemeChanged);
    // Moved in the DOM, or put back: sign in again.
    if (this.hasUpdated && !this.client) void this.restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    dark.removeEventListener('change', this.schemeChanged);
    this.teardown();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('mode') || changed.has('apiKey'))
      this.open = this.mode === 'launcher' && this.remembered();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const keys = [
      'apiKey',
      'userToken',
      'baseUrl',
      'guest',
      'guestName',
      'tokenProvider',
      'chatId',
      'withUser',
    ] as const;
    if (keys.some((key) => changed.has(key))) void this.restart();
  }

  override render() {
    const language = pickLanguage(this.lang || document.documentElement.lang);
    const t = translator(language);
    const scheme = this.theme === 'auto' ? this.scheme : this.theme;
    const content = this.content(language, t);
    return html`<div
      part="base"
      class="base"
      data-scheme=${scheme}
      lang=${language}
      dir=${directionOf(language)}
    >
      ${
        this.mode === 'launcher'
          ? html`<parley-launcher
              exportparts=${LAUNCHER_PARTS}
              .t=${t}
              .open=${this.open}
              .unread=${this.unread()}
              @parley-toggle=${this.onToggle}
              >${this.open ? content : nothing}</parley-launcher
            >`
          : content
      }
      <div part="announcer" class="sr" aria-live="polite">${this.announcement}</div>
    </div>`;
  }

  private content(language: string, t: ReturnType<typeof translator>) {
    const state = this.connection.value;
    const banner =
      this.wasOnline && state && state !== 'online' && !this.failure
        ? html`<div part="banner" role="status">${t('reconnecting')}</div>`
        : nothing;
    let body;
    if (this.failure) {
      body = html`<div part="error" role="alert">
        <p>
          ${this.failure.code === 'validation_failed' ? t('errorConfig') : this.failure.code === 'unauthenticated' || this.failure.code === 'origin_not_allowed' ? t('errorAuth') : t('errorLoad')}
        </p>
        <button @click=${() => void this.restart()}>${t('retry')}</button>
      </div>`;
    } else if (this.view === 'loading') {
      body = html`<div class="center muted" role="status">${t('connecting')}</div>`;
    } else if (this.view === 'list') {
      const list = this.listState.value;
      body = html`<parley-chat-list
        exportparts=${LIST_PARTS}
        .t=${t}
        .chats=${list?.chats ?? []}
        .hasMore=${list?.hasMore ?? false}
        .loading=${list?.loading ?? false}
        .names=${this.names.value ?? {}}
        .presence=${this.presence.value ?? {}}
        .me=${this.me}
        .language=${language}
        @parley-select=${(e: CustomEvent<{ chatId: string }>) => void this.openChat(e.detail.chatId)}
        @parley-more=${() => void this.list?.loadMore().catch(() => undefined)}
      ></parley-chat-list>`;
    } else {
      body = html`<parley-chat-view
        exportparts=${CHAT_PARTS}
        .t=${t}
        .chat=${this.chat}
        .me=${this.me}
        .names=${this.names.value ?? {}}
        .presence=${this.presence.value ?? {}}
        .language=${language}
        .back=${!this.single}
        .active=${this.mode !== 'launcher' || this.open}
        @parley-back=${this.backToList}
      ></parley-chat-view>`;
    }
    return html`<div class="frame">${banner}${body}</div>`;
  }

  /** One chat and no list (`chat-id` or `with-user`). */
  private get single(): boolean {
    return !!(this.chatId || this.withUser);
  }

  /** Unread messages for the launcher badge: the whole list's, or the one chat's. */
  private unread(): number {
    if (this.single) return this.chatState.value?.chat.unread ?? 0;
    return (this.listState.value?.chats ?? []).reduce((sum, chat) => sum + chat.unread, 0);
  }

  /** Signs in (again) with the current attributes and shows the first view. */
  private async restart(): Promise<void> {
    const generation = ++this.generation;
    this.teardown();
    this.failure = null;
    this.view = 'loading';
    // Attributes set in the same task arrive together.
    await Promise.resolve();
    if (generation !== this.generation || !this.isConnected) return;
    const baseUrl = (this.baseUrl || home()).replace(/\/+$/, '');
    const auth =
      this.tokenProvider ??
      (this.userToken || (this.guest ? guestTokenProvider(baseUrl, this.apiKey, this.guestName) : null));
    if (!this.apiKey || !auth)
      return this.fail({ code: 'validation_failed', message: 'api-key and user-token are needed' });
    const client = new ParleyClient({ apiKey: this.apiKey, baseUrl });
    this.client = client;
    this.connection.store = connectionStore(client);
    this.presence.store = client.presence.state;
    this.directory = new NameDirectory((ids) => client.users(ids));
    this.names.store = this.directory;
    this.offs.push(
      client.on('online', () => (this.wasOnline = true)),
      client.on('failed', ({ error }) =>
        this.fail(error ?? { code: 'unauthenticated', message: 'Signed out' }),
      ),
      client.on('message:new', ({ message }) => {
        if (!message.senderId || message.senderId === this.me || message.kind === 'system') return;
        const name = this.names.value?.[message.senderId] ?? message.senderId;
        const t = translator(pickLanguage(this.lang || document.documentElement.lang));
        this.announcement = t('newMessage', { a: name, b: message.text ?? t('file') });
      }),
    );
    try {
      await client.connect(auth);
      if (generation !== this.generation) return;
      this.me = client.userId ?? '';
      if (this.single) {
        await this.showChat(
          await (this.chatId ? client.chats.open(this.chatId) : client.chats.openDirect(this.withUser)),
        );
      } else {
        this.list = await client.chats.watchList();
        this.listState.store = this.list.state;
        this.view = 'list';
      }
      if (generation !== this.generation) return;
      await settled(this);
      this.emit('parley-ready', { userId: this.me });
    } catch (error) {
      // A refused sign-in was reported by the `failed` event already.
      if (generation === this.generation && !this.failure) this.fail(error);
    }
  }

  private teardown(): void {
    for (const off of this.offs.splice(0)) off();
    this.listState.store = null;
    this.chatState.store = null;
    this.connection.store = null;
    this.list?.close();
    this.list = this.chat = null;
    const client = this.client;
    this.client = null;
    this.wasOnline = false;
    this.asked.clear();
    void client?.disconnect();
  }

  private async openChat(chatId: string): Promise<void> {
    try {
      await this.showChat(await this.client!.chats.open(chatId));
      await settled(this);
      this.renderRoot.querySelector('parley-chat-view')?.focus();
    } catch (error) {
      this.fail(error, false);
    }
  }

  private async showChat(chat: ParleyChat): Promise<void> {
    this.chat = chat;
    this.chatState.store = chat.state;
    this.view = 'chat';
    const peer = peerOf(chat.getState().chat, this.me);
    this.directory?.want([peer]);
    this.watchPresence([peer]);
    this.emit('parley-chat-open', { chatId: chat.id });
  }

  private async backToList(): Promise<void> {
    const chatId = this.chat?.id;
    this.chat?.close();
    this.chat = null;
    this.chatState.store = null;
    this.view = 'list';
    await settled(this);
    const item = this.renderRoot
      .querySelector('parley-chat-list')
      ?.shadowRoot?.querySelector<HTMLElement>(`[data-chat-id="${chatId}"]`);
    if (item) item.focus();
    else this.renderRoot.querySelector('parley-chat-list')?.focus();
  }

  private onToggle(event: CustomEvent<{ open: boolean }>): void {
    // The launcher's request: the host announces the change once, itself.
    event.stopPropagation();
    this.toggle(event.detail.open);
  }

  private toggle(open: boolean): void {
    this.open = open;
    try {
      localStorage.setItem(`parley:open:${this.apiKey}`, open ? '1' : '0');
    } catch {
      // Storage blocked: the panel just does not remember.
    }
    this.emit('parley-toggle', { open });
    if (open)
      void settled(this).then(() =>
        (this.renderRoot.querySelector('parley-chat-view, parley-chat-list') as HTMLElement | null)?.focus(),
      );
  }

  private remembered(): boolean {
    try {
      return localStorage.getItem(`parley:open:${this.apiKey}`) === '1';
    } catch {
      return false;
    }
  }

  /** New people in the list: their names and presence. */
  private watchPeople(state: ChatListState): void {
    const peers = state.chats.map((chat) => peerOf(chat, this.me));
    this.directory?.want([...peers, ...state.chats.map((chat) => chat.lastMessage?.senderId)]);
    this.watchPresence(peers);
  }

  private watchPresence(ids: (string | null)[]): void {
    const fresh = ids.filter((id): id is string => !!id && !this.asked.has(id));
    if (fresh.length === 0 || !this.client) return;
    for (const id of fresh) this.asked.add(id);
    void this.client.presence.query(fresh).catch(() => undefined);
  }

  private fail(error: unknown, blocking = true): void {
    if (blocking) this.failure = describeFailure(error);
    this.emitError(error);
  }
}

/** The client's connection state as a store, for `StoreController`. */
function connectionStore(client: ParleyClient): ReadonlyStore<ConnectionState> {
  return {
    get: () => client.connectionState,
    subscribe: (listener) => client.on('connection', ({ state, previous }) => listener(state, previous)),
  };
}

/** Resolves once this element and every Lit element inside its shadow trees has rendered. */
async function settled(element: Element): Promise<void> {
  if ('updateComplete' in element) await (element as ParleyElement).updateComplete;
  const root = element.shadowRoot;
  if (!root) return;
  await Promise.all([...root.querySelectorAll('*')].filter((e) => e.shadowRoot).map((e) => settled(e)));
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat': ParleyChatElement;
  }
}
