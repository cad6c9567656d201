import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ChatState, LocalMessage, ParleyChat, Presence } from '@parley/sdk';
import { ParleyElement } from './base-element.js';
import type { ParleyComposer, UploadView } from './composer.js';
import { typingText } from './format.js';
import { chatTitle, peerOf } from './names.js';
import { StoreController } from './sdk-controller.js';
import { icons } from './icons.js';
import { shared } from './styles.js';
import './composer.js';
import './message-view.js';

const VIEW_PARTS =
  'messages, message, message-text, day-separator, status, reactions, reaction, reply-quote, attachment, attachment-image, empty';
const COMPOSER_PARTS = 'input, send, attach, upload-progress';
/** Parts of the chat view, re-exported by `parley-chat`. */
export const CHAT_PARTS = `header, back, title, presence, typing, ${VIEW_PARTS}, ${COMPOSER_PARTS}`;

/** Reading is reported this long after the last change while the chat is in view. */
const READ_DELAY_MS = 300;

/**
 * One open chat: header (back button, title, presence), the messages, who is typing, and the
 * composer. It sends, uploads (picked, pasted or dropped files, with progress), replies and edits,
 * and marks the chat read while it is visible.
 * @fires parley-back - the back button or Escape (when `back` is set)
 */
@customElement('parley-chat-view')
export class ParleyChatView extends ParleyElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
        position: relative;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 6px 12px;
        min-height: 48px;
        border-block-end: 1px solid var(--p-surface);
      }
      h2 {
        margin: 0;
        font-size: 1.05em;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      :host(:dir(rtl)) svg {
        transform: scaleX(-1);
      }
      [part='typing'] {
        min-height: 1.4em;
        padding: 0 16px;
        font-size: 0.8em;
        font-style: italic;
      }
      .drop {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        background: var(--p-bg);
        border: 3px dashed var(--p-accent);
        border-radius: var(--p-radius);
        font-weight: 600;
        z-index: 2;
        pointer-events: none;
      }
      .problem {
        padding: 4px 16px;
        color: var(--p-danger);
        font-size: 0.85em;
      }
    `,
  ];

  @property({ attribute: false }) chat: ParleyChat | null = null;
  @property({ attribute: false }) me = '';
  @property({ attribute: false }) names: Readonly<Record<string, string>> = {};
  @property({ attribute: false }) presence: Readonly<Record<string, Presence>> = {};
  @property({ attribute: false }) language = 'en';
  /** Show a back button (and go back on Escape). */
  @property({ attribute: false }) back = false;
  /** The chat is on screen: new messages are marked read. */
  @property({ attribute: false }) active = true;

  @state() private replyTo: LocalMessage | null = null;
  @state() private editing: LocalMessage | null = null;
  @state() private uploads: UploadView[] = [];
  @state() private dragging = false;
  @state() private problem = '';

  @query('parley-composer') private composer?: ParleyComposer;

  private readonly state = new StoreController<ChatState>(this);
  private readTimer = 0;
  private uploadIds = 0;

  constructor() {
    super();
    this.addEventListener('keydown', (event) => this.onKey(event));
  }

  override focus(): void {
    this.composer?.focus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.visibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.visibility);
    clearTimeout(this.readTimer);
  }

  /** Messages that came while the tab was hidden are read once it shows. */
  private readonly visibility = (): void => this.requestUpdate();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('chat')) {
      this.state.store = this.chat?.state ?? null;
      this.replyTo = this.editing = null;
    }
  }

  protected override updated(): void {
    const unread = this.state.value?.chat.unread ?? 0;
    if (unread > 0 && this.active && document.visibilityState === 'visible' && !this.readTimer) {
      this.readTimer = window.setTimeout(() => {
        this.readTimer = 0;
        if (this.active) void this.chat?.markRead().catch(() => undefined);
      }, READ_DELAY_MS);
    }
  }

  override render() {
    const state = this.state.value;
    if (!state) return nothing;
    const t = this.t;
    const title = chatTitle(state.chat, this.me, this.names, t('group'));
    const peer = peerOf(state.chat, this.me);
    const online = peer ? (this.presence[peer]?.online ?? false) : null;
    const typing = typingText(
      state.typing.map((id) => this.names[id] ?? id),
      { one: t('typing1'), two: t('typing2'), many: t('typingMany') },
    );
    const context = this.editing
      ? t('editing')
      : this.replyTo
        ? t('replyingTo', {
            a: this.replyTo.senderId === this.me ? t('you') : (this.names[this.replyTo.senderId ?? ''] ?? ''),
          })
        : null;
    return html`<header part="header">
        ${
          this.back
            ? html`<button part="back" class="icon" aria-label=${t('back')} @click=${this.goBack}>
                ${icons.back}
              </button>`
            : nothing
        }
        <h2 part="title">${title}</h2>
        ${
          online === null
            ? nothing
            : html`<span
                part="presence"
                class="dot"
                role="img"
                data-online=${String(online)}
                aria-label=${online ? t('online') : t('offline')}
              ></span>`
        }
      </header>
      <parley-message-view
        exportparts=${VIEW_PARTS}
        .t=${t}
        .chat=${this.chat}
        .me=${this.me}
        .names=${this.names}
        .language=${this.language}
        @parley-reply=${(e: CustomEvent<{ messageId: string }>) => this.startReply(e.detail.messageId)}
        @parley-edit=${(e: CustomEvent<{ messageId: string }>) => this.startEdit(e.detail.messageId)}
        @dragover=${this.onDrag}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
      ></parley-message-view>
      <div part="typing" role="status" class="muted">${typing}</div>
      ${this.problem ? html`<div class="problem" role="alert">${this.problem}</div>` : nothing}
      <parley-composer
        exportparts=${COMPOSER_PARTS}
        .t=${t}
        .context=${context}
        .draft=${this.editing?.text ?? null}
        .uploads=${this.uploads}
        @parley-send=${(e: CustomEvent<{ text: string }>) => this.send(e.detail.text)}
        @parley-files=${(e: CustomEvent<{ files: File[] }>) => this.upload(e.detail.files)}
        @parley-typing=${() => this.chat?.typing()}
        @parley-cancel=${() => (this.replyTo = this.editing = null)}
      ></parley-composer>
      ${this.dragging ? html`<div class="drop" aria-hidden="true">${t('drop')}</div>` : nothing}`;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.back) {
      event.stopPropagation();
      this.goBack();
    }
  }

  private goBack(): void {
    this.emit('parley-back', {});
  }

  private find(messageId: string): LocalMessage | null {
    return this.state.value?.messages.find((m) => m.id === messageId) ?? null;
  }

  private startReply(messageId: string): void {
    this.editing = null;
    this.replyTo = this.find(messageId);
    this.composer?.focus();
  }

  private startEdit(messageId: string): void {
    this.replyTo = null;
    this.editing = this.find(messageId);
  }

  private send(text: string): void {
    const chat = this.chat;
    if (!chat) return;
    const editing = this.editing;
    const replyTo = this.replyTo;
    this.editing = this.replyTo = null;
    if (editing) {
      if (text !== editing.text)
        void chat.edit(editing.id, text).catch((error: unknown) => this.emitError(error));
      return;
    }
    this.problem = '';
    this.renderRoot.querySelector('parley-message-view')?.scrollToEnd();
    void chat.send(text, replyTo ? { replyTo: replyTo.id } : {}).catch(() => undefined); // the echo shows `failed`
  }

  /** Uploads each file with progress, then sends it as its own message. */
  private upload(files: File[]): void {
    const chat = this.chat;
    if (!chat) return;
    this.problem = '';
    for (const file of files) {
      const view: UploadView = { id: ++this.uploadIds, name: file.name, progress: 0 };
      this.uploads = [...this.uploads, view];
      const progress = (value: number): void => {
        this.uploads = this.uploads.map((u) => (u.id === view.id ? { ...u, progress: value } : u));
      };
      chat
        .upload(file, { onProgress: ({ loaded, total }) => progress(total ? loaded / total : 0) })
        .then((attachment) => {
          this.renderRoot.querySelector('parley-message-view')?.scrollToEnd();
          return chat.send(null, { attachments: [attachment] });
        })
        .catch((error: unknown) => {
          this.problem = this.t('uploadFailed', { a: file.name });
          this.emitError(error);
        })
        .finally(() => (this.uploads = this.uploads.filter((u) => u.id !== view.id)));
    }
  }

  private onDrag(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging = true;
  }

  private onDrop(event: DragEvent): void {
    this.dragging = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.upload(files);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-chat-view': ParleyChatView;
  }
}
