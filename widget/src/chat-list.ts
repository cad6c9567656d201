import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Chat, Presence } from '@parley/sdk';
import { ParleyElement } from './base-element.js';
import { dayOf, timeOf } from './format.js';
import { shared } from './styles.js';
import { chatTitle, peerOf } from './names.js';

/** Parts of the list, re-exported by `parley-chat`. */
export const LIST_PARTS = 'chat-list, chat-item, unread-badge, presence, empty';

/**
 * The user's conversations, most recent first: title, last message, time, unread badge and (for
 * direct chats) the other person's presence. Arrow keys, Home and End move between items.
 * @fires parley-select - an item was chosen (`detail.chatId`)
 * @fires parley-more - scrolled near the end while more chats exist
 */
@customElement('parley-chat-list')
export class ParleyChatList extends ParleyElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        flex: 1;
      }
      [role='list'] {
        flex: 1;
        overflow-y: auto;
        padding: 4px;
      }
      .item {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 2px 10px;
        align-items: center;
        width: 100%;
        padding: 10px 12px;
        border-radius: var(--p-radius);
        text-align: start;
      }
      .item:focus-visible {
        outline-offset: -2px;
      }
      .item:hover {
        background: var(--p-surface);
      }
      .avatar {
        position: relative;
        grid-row: span 2;
        display: grid;
        place-items: center;
        width: 40px;
        height: 40px;
        border-radius: 50%;
        background: var(--p-accent);
        color: var(--p-on-accent);
        font-weight: 600;
      }
      .avatar .dot {
        position: absolute;
        inset-block-end: -1px;
        inset-inline-end: -1px;
        width: 14px;
        height: 14px;
        border-color: var(--p-bg);
        background: var(--p-bg);
        box-shadow: inset 0 0 0 2px var(--p-muted);
      }
      .avatar .dot[data-online='true'] {
        background: var(--p-online);
        box-shadow: none;
      }
      .title,
      .preview {
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .title {
        font-weight: 600;
      }
      .time {
        font-size: 0.8em;
      }
      .badge {
        justify-self: end;
        min-width: 22px;
        padding: 1px 7px;
        border-radius: 11px;
        background: var(--p-accent);
        color: var(--p-on-accent);
        font-size: 0.8em;
        font-weight: 700;
        text-align: center;
      }
      [part='empty'] {
        margin: auto;
        padding: 24px;
      }
    `,
  ];

  @property({ attribute: false }) chats: readonly Chat[] = [];
  @property({ attribute: false }) names: Readonly<Record<string, string>> = {};
  @property({ attribute: false }) presence: Readonly<Record<string, Presence>> = {};
  @property({ attribute: false }) me = '';
  @property({ attribute: false }) hasMore = false;
  @property({ attribute: false }) loading = false;
  @property({ attribute: false }) language = 'en';

  override focus(): void {
    this.items()[0]?.focus();
  }

  override render() {
    const t = this.t;
    return html`<h2 class="sr">${t('conversations')}</h2>
      ${
        this.chats.length === 0
          ? html`<div part="empty" class="muted">${this.loading ? t('loading') : t('noChats')}</div>`
          : html`<div
              role="list"
              part="chat-list"
              aria-label=${t('conversations')}
              @keydown=${this.onKey}
              @scroll=${this.onScroll}
            >
              ${repeat(
                this.chats,
                (chat) => chat.id,
                (chat) => this.item(chat),
              )}
            </div>`
      }`;
  }

  private item(chat: Chat) {
    const t = this.t;
    const title = chatTitle(chat, this.me, this.names, t('group'));
    const peer = peerOf(chat, this.me);
    const online = peer ? (this.presence[peer]?.online ?? false) : null;
    const last = chat.lastMessage;
    const preview = !last
      ? ''
      : last.deletedAt
        ? t('deleted')
        : `${last.senderId === this.me ? `${t('you')}: ` : ''}${last.text ?? t('file')}`;
    return html`<div role="listitem">
      <button part="chat-item" class="item" data-chat-id=${chat.id} @click=${() => this.select(chat.id)}>
        <span class="avatar" aria-hidden=${online === null ? 'true' : nothing}
          >${
            online === null
              ? initial(title)
              : html`<span aria-hidden="true">${initial(title)}</span
                  ><span
                    part="presence"
                    class="dot"
                    role="img"
                    data-online=${String(online)}
                    aria-label=${online ? t('online') : t('offline')}
                  ></span>`
          }</span
        >
        <span class="title">${title}</span>
        <span class="time muted">${last ? this.when(last.createdAt) : ''}</span>
        <span class="preview muted">${preview}</span>
        ${
          chat.unread > 0
            ? html`<span part="unread-badge" class="badge" aria-hidden="true">${chat.unread}</span
                ><span class="sr">${t('unread', { n: chat.unread })}</span>`
            : nothing
        }
      </button>
    </div>`;
  }

  private when(iso: string): string {
    if (dayOf(iso) === dayOf(new Date().toISOString())) return timeOf(iso, this.language);
    return new Intl.DateTimeFormat(this.language, { day: 'numeric', month: 'short' }).format(new Date(iso));
  }

  private select(chatId: string): void {
    this.emit('parley-select', { chatId });
  }

  private items(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[part="chat-item"]')];
  }

  private onKey(event: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    const to =
      event.key === 'ArrowDown'
        ? Math.min(items.length - 1, at + 1)
        : event.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? items.length - 1
              : null;
    if (to === null) return;
    event.preventDefault();
    items[to]?.focus();
  }

  private onScroll(event: Event): void {
    const list = event.currentTarget as HTMLElement;
    if (this.hasMore && !this.loading && list.scrollHeight - list.scrollTop - list.clientHeight < 200)
      this.emit('parley-more', {});
  }
}

function initial(title: string): string {
  return (title.trim()[0] ?? '?').toUpperCase();
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat-list': ParleyChatList;
  }
}
