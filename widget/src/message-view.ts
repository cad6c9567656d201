import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatState, LocalMessage, ParleyChat } from '@parley/sdk';
import { ParleyElement } from './base-element.js';
import { buildRows, dayLabel, type Row } from './format.js';
import { messageStyles, renderMessage, type MessageContext } from './message.js';
import { StoreController } from './sdk-controller.js';
import { shared } from './styles.js';
import { VirtualWindow } from './virtual-window.js';

/** Within this many pixels of the end, the view follows new messages. */
const STICK_PX = 32;
/** Older messages are loaded when the view is scrolled this close to the top. */
const LOAD_OLDER_PX = 400;

/**
 * A chat's messages, virtualised: only the rows in view plus an overscan margin are in the DOM,
 * so thousands of messages scroll smoothly. It follows the end while the user is there, keeps the
 * message in view still when older pages come in above it, and loads older pages near the top.
 * @fires parley-reply - reply to a message (`detail.messageId`)
 * @fires parley-edit - edit one of my messages (`detail.messageId`)
 */
@customElement('parley-message-view')
export class ParleyMessageView extends ParleyElement {
  static override styles = [
    shared,
    messageStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
        position: relative;
      }
      .jump {
        position: absolute;
        inset-block-end: 8px;
        inset-inline-end: 16px;
        padding: 6px 14px;
        border-radius: 16px;
        background: var(--p-accent);
        color: var(--p-on-accent);
        box-shadow: 0 2px 8px #0004;
        z-index: 2;
      }
      [part='messages'] {
        flex: 1;
        overflow-y: auto;
        overflow-anchor: none;
        padding-block: 8px;
      }
      [part='day-separator'] {
        padding: 12px 0 4px;
        text-align: center;
        font-size: 0.8em;
        font-weight: 600;
      }
      [part='empty'],
      .loading {
        padding: 24px;
        text-align: center;
      }
    `,
  ];

  /** The open chat. */
  @property({ attribute: false }) chat: ParleyChat | null = null;
  @property({ attribute: false }) me = '';
  @property({ attribute: false }) names: Readonly<Record<string, string>> = {};
  @property({ attribute: false }) language = 'en';

  @query('[part="messages"]') private scroller?: HTMLElement;

  private readonly state = new StoreController<ChatState>(this);
  private readonly window = new VirtualWindow(56, 800);
  private rows: Row<LocalMessage>[] = [];
  private keys: string[] = [];
  private rowsOf: readonly LocalMessage[] | null = null;
  private byId = new Map<string, LocalMessage>();
  /** Follow the end (true until the user scrolls up). */
  private stick = true;
  /** Messages from others that came in while the user was reading further up. */
  @state() private fresh = 0;
  /** The row to hold still across an update, and its distance from the top of the viewport. */
  private anchor: { key: string; delta: number } | null = null;
  private passes = 0;
  private frame = 0;
  private width = 0;
  private readonly resize = new ResizeObserver(([entry]) => {
    const width = Math.round(entry?.contentRect.width ?? 0);
    if (width !== this.width) {
      if (this.width) this.window.reset(); // rows reflow at another width
      this.width = width;
    }
    this.requestUpdate();
  });

  private readonly context: MessageContext = {
    t: (key, params) => this.t(key, params),
    language: 'en',
    me: '',
    nameOf: (id) => (id === null ? '' : id === this.me ? this.t('you') : (this.names[id] ?? id)),
    byId: (id) => this.byId.get(id),
    react: (message, emoji) => {
      const mine = message.reactions[emoji]?.me;
      void (mine ? this.chat?.unreact(message.id, emoji) : this.chat?.react(message.id, emoji))?.catch(
        (error: unknown) => this.emitError(error),
      );
    },
    reply: (message) => this.emit('parley-reply', { messageId: message.id }),
    edit: (message) => this.emit('parley-edit', { messageId: message.id }),
    remove: (message) => void this.chat?.delete(message.id).catch((error: unknown) => this.emitError(error)),
    retry: (message) => void (message.clientId && this.chat?.retry(message.clientId).catch(() => undefined)),
    loaded: () => this.requestUpdate(),
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.scroller) this.resize.observe(this.scroller);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Scrolls to the newest message and follows new ones again. */
  scrollToEnd(): void {
    this.stick = true;
    this.fresh = 0;
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('chat')) {
      this.state.store = this.chat?.state ?? null;
      this.stick = true;
    }
    const messages = this.state.value?.messages ?? [];
    const element = this.scroller;
    // Where the user is, measured on the DOM as it is before this update.
    if (element && this.passes === 0) {
      const y = element.scrollTop - this.padTop(element);
      let index = this.window.indexAt(y);
      // A day separator moves when older messages of its day come in: hold a message still instead.
      while (this.rows[index]?.type === 'day' && index + 1 < this.rows.length) index += 1;
      const key = this.keys[index];
      this.anchor = key ? { key, delta: this.window.offsetOf(index) - y } : null;
    }
    if (messages !== this.rowsOf) {
      const last = messages.at(-1);
      if (!this.stick && last && last.key !== this.rowsOf?.at(-1)?.key && last.senderId !== this.me)
        this.fresh += 1;
      this.rowsOf = messages;
      this.rows = buildRows(messages);
      this.keys = this.rows.map((row) => row.key);
      this.byId = new Map(messages.map((m) => [m.id, m]));
      this.window.setKeys(this.keys);
    }
    this.context.me = this.me;
    this.context.language = this.language;
  }

  override render() {
    const state = this.state.value;
    if (!state) return nothing;
    const t = this.t;
    const element = this.scroller;
    const height = element?.clientHeight || 600;
    const top = this.desiredTop(height) ?? (element ? element.scrollTop - this.padTop(element) : 0);
    const range = this.window.range(top, height);
    const now = new Date();
    const words = { today: t('today'), yesterday: t('yesterday') };
    return html`<div
        part="messages"
        role="log"
        aria-label=${t('messages')}
        aria-live="off"
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${state.loadingOlder ? html`<div class="loading muted" role="status">${t('loading')}</div>` : nothing}
        ${
          this.rows.length === 0 && !state.hasOlder
            ? html`<div part="empty" class="muted">${t('noMessages')}</div>`
            : nothing
        }
        <div style="height:${range.before}px"></div>
        ${repeat(
          this.rows.slice(range.start, range.end),
          (row) => row.key,
          (row) =>
            html`<div data-key=${row.key}>
              ${
                row.type === 'day'
                  ? html`<div part="day-separator">${dayLabel(row.day, now, this.language, words)}</div>`
                  : renderMessage(this.context, row.message, row.first, row.last)
              }
            </div>`,
        )}
        <div style="height:${range.after}px"></div>
      </div>
      ${
        this.fresh
          ? html`<button class="jump" @click=${this.scrollToEnd}>
              ↓ ${t('newMessages')} (${this.fresh})
            </button>`
          : nothing
      }`;
  }

  protected override firstUpdated(): void {
    if (this.scroller && this.isConnected) this.resize.observe(this.scroller);
  }

  protected override updated(): void {
    const element = this.scroller;
    if (!element || element.clientHeight === 0) return;
    let changed = false;
    for (const row of element.querySelectorAll<HTMLElement>('[data-key]')) {
      changed = this.window.measure(row.dataset.key!, row.offsetHeight) || changed;
    }
    // Measured heights move the spacers: render once more (a few passes at most) before settling.
    if (changed && this.passes < 3) {
      this.passes += 1;
      this.requestUpdate();
    } else {
      this.passes = 0;
    }
    const y = this.desiredTop(element.clientHeight);
    const target = this.stick
      ? element.scrollHeight - element.clientHeight
      : y === null
        ? null
        : y + this.padTop(element);
    if (target !== null && Math.abs(element.scrollTop - target) > 1) element.scrollTop = target;
  }

  /** Where the top of the viewport belongs in the list: at the end, or where the anchor row stays put. */
  private desiredTop(height: number): number | null {
    if (this.stick) return Math.max(0, this.window.offsetOf(this.keys.length) - height);
    const index = this.anchor ? this.window.indexOf(this.anchor.key) : -1;
    return index >= 0 ? this.window.offsetOf(index) - this.anchor!.delta : null;
  }

  /** The scroller's top padding and anything rendered above the first spacer. */
  private padTop(element: HTMLElement): number {
    const spacer = element.querySelector<HTMLElement>(':scope > div[style]');
    return spacer ? spacer.offsetTop - element.offsetTop : 0;
  }

  private onScroll(): void {
    const element = this.scroller;
    const state = this.state.value;
    // Decided by scrolling only: a viewport that shrinks (the composer grows) keeps following the end.
    if (element) this.stick = element.scrollHeight - element.scrollTop - element.clientHeight <= STICK_PX;
    if (this.stick) this.fresh = 0;
    if (element && state?.hasOlder && !state.loadingOlder && element.scrollTop < LOAD_OLDER_PX) {
      void this.chat?.loadOlder().catch((error: unknown) => this.emitError(error));
    }
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.requestUpdate();
      });
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-message-view': ParleyMessageView;
  }
}
