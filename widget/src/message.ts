import { css, html, nothing, type TemplateResult } from 'lit';
import type { Attachment, LocalMessage } from '@parley/sdk';
import type { Translate } from './i18n.js';
import { fileSize, linkify, timeOf } from './format.js';
import { icons } from './icons.js';

/** Quick reactions offered on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮'];

/** What a message row needs from its view. */
export interface MessageContext {
  t: Translate;
  language: string;
  me: string;
  nameOf: (userId: string | null) => string;
  /** A loaded message by id (for reply quotes). */
  byId: (id: string) => LocalMessage | undefined;
  react: (message: LocalMessage, emoji: string) => void;
  reply: (message: LocalMessage) => void;
  edit: (message: LocalMessage) => void;
  remove: (message: LocalMessage) => void;
  retry: (message: LocalMessage) => void;
  /** An image loaded: its row may have changed height. */
  loaded: () => void;
}

const LINK_REL = 'noopener noreferrer nofollow';
const TICKS: Record<LocalMessage['status'], string> = {
  sending: '…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!',
};

/** Message text as Lit text bindings: links only for http(s) URLs, never HTML. */
export function messageText(text: string): TemplateResult[] {
  return linkify(text).map((segment) =>
    segment.href
      ? html`<a href=${segment.href} target="_blank" rel=${LINK_REL}>${segment.text}</a>`
      : html`${segment.text}`,
  );
}

export function renderMessage(
  context: MessageContext,
  message: LocalMessage,
  first: boolean,
  last: boolean,
): TemplateResult {
  const { t } = context;
  const mine = message.senderId === context.me && message.senderId !== null;
  const deleted = message.deletedAt !== null;
  const stored = message.seq > 0;
  const reactions = Object.entries(message.reactions).filter(([, r]) => r.count > 0);
  const quoted = message.replyTo ? context.byId(message.replyTo) : undefined;
  return html`<div
    part="message"
    class="msg ${mine ? 'mine' : ''} ${first ? 'first' : ''} ${last ? 'last' : ''}"
    data-mine=${mine ? 'true' : nothing}
    data-seq=${message.seq}
    data-message-id=${message.id}
  >
    ${
      first && !mine && message.kind !== 'system'
        ? html`<div class="who muted">${context.nameOf(message.senderId)}</div>`
        : nothing
    }
    ${
      message.replyTo
        ? html`<div part="reply-quote" class="quote">
            <b>${quoted ? context.nameOf(quoted.senderId) : t('notLoaded')}</b>
            <span>${quoted ? (quoted.deletedAt ? t('deleted') : (quoted.text ?? t('file'))) : ''}</span>
          </div>`
        : nothing
    }
    <div class="bubble">
      ${
        deleted
          ? html`<div part="message-text" class="text deleted" data-deleted="true">${t('deleted')}</div>`
          : message.text
            ? html`<div part="message-text" class="text">${messageText(message.text)}</div>`
            : nothing
      }
      ${deleted ? nothing : message.attachments.map((file) => attachment(context, file))}
      <span class="meta"
        >${message.editedAt && !deleted ? html`<span>${t('edited')}</span>` : nothing}
        <time datetime=${message.createdAt}>${timeOf(message.createdAt, context.language)}</time>
        ${
          mine
            ? html`<span
                part="status"
                class="status"
                role="img"
                data-status=${message.status}
                aria-label=${t(message.status)}
                >${TICKS[message.status]}</span
              >`
            : nothing
        }</span
      >
    </div>
    ${
      reactions.length
        ? html`<div part="reactions" class="reactions">
            ${reactions.map(
              ([emoji, r]) =>
                html`<button
                  part="reaction"
                  class="reaction"
                  aria-pressed=${r.me ? 'true' : 'false'}
                  @click=${() => context.react(message, emoji)}
                >
                  ${emoji} ${r.count}
                </button>`,
            )}
          </div>`
        : nothing
    }
    ${
      message.status === 'failed'
        ? html`<button class="retry" @click=${() => context.retry(message)}>${t('retry')}</button>`
        : nothing
    }
    ${
      stored && !deleted && message.kind !== 'system'
        ? html`<div class="actions" role="group" aria-label=${t('actions')}>
            <button class="icon" aria-label=${t('reply')} @click=${() => context.reply(message)}>
              ${icons.reply}
            </button>
            ${QUICK_REACTIONS.map(
              (emoji) =>
                html`<button
                  class="icon"
                  aria-label=${t('react', { e: emoji })}
                  @click=${() => context.react(message, emoji)}
                >
                  ${emoji}
                </button>`,
            )}
            ${
              mine && message.text !== null
                ? html`<button class="icon" aria-label=${t('edit')} @click=${() => context.edit(message)}>
                    ${icons.edit}
                  </button>`
                : nothing
            }
            ${
              mine
                ? html`<button class="icon" aria-label=${t('delete')} @click=${() => context.remove(message)}>
                    ${icons.remove}
                  </button>`
                : nothing
            }
          </div>`
        : nothing
    }
  </div>`;
}

function attachment(context: MessageContext, file: Attachment): TemplateResult {
  if (file.mime.startsWith('image/')) {
    // Width and height reserve the space before the image loads (no jump in the virtual list).
    const scale = Math.min(1, 240 / Math.max(file.width ?? 240, file.height ?? 240));
    return html`<a class="image" href=${file.url} target="_blank" rel=${LINK_REL}
      ><img
        part="attachment-image"
        alt=${file.name}
        src=${file.thumbnailUrl ?? file.url}
        width=${file.width ? Math.round(file.width * scale) : nothing}
        height=${file.height ? Math.round(file.height * scale) : nothing}
        @load=${context.loaded}
    /></a>`;
  }
  return html`<a
    part="attachment"
    class="file"
    href=${file.url}
    target="_blank"
    rel=${LINK_REL}
    download=${file.name}
    >📄 ${file.name} <span>(${fileSize(file.size)})</span></a
  >`;
}

export const messageStyles = css`
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    position: relative;
    padding-block: 1px;
    padding-inline: 12px 48px;
  }
  .msg.first {
    padding-block-start: 8px;
  }
  .msg.mine {
    align-items: flex-end;
    padding-inline: 48px 12px;
  }
  .who {
    font-size: 0.8em;
    padding-inline: 10px;
  }
  .bubble {
    max-width: 100%;
    padding: 6px 10px;
    border-radius: var(--p-radius);
    background: var(--p-surface);
    overflow-wrap: anywhere;
  }
  .mine .bubble {
    background: var(--p-accent);
    color: var(--p-on-accent);
  }
  .text {
    white-space: pre-wrap;
  }
  .text a {
    color: inherit;
  }
  .deleted {
    font-style: italic;
  }
  .meta {
    display: flex;
    gap: 4px;
    justify-content: flex-end;
    font-size: 0.75em;
  }
  [data-status='read'] {
    font-weight: 800;
  }
  [data-status='failed'] {
    font-weight: 800;
  }
  .msg:not(.last) time {
    display: none;
  }
  .quote {
    max-width: 100%;
    margin-block-end: 2px;
    padding: 2px 8px;
    border-inline-start: 3px solid var(--p-accent);
    font-size: 0.85em;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .image {
    display: block;
    margin-block: 4px;
  }
  img {
    display: block;
    max-width: 100%;
    height: auto;
    border-radius: calc(var(--p-radius) - 4px);
  }
  .file {
    display: block;
    color: inherit;
  }
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-block-start: 2px;
  }
  .reaction {
    padding: 0 8px;
    border: 1px solid var(--p-border);
    border-radius: 12px;
    background: var(--p-bg);
  }
  .reaction[aria-pressed='true'] {
    border-color: var(--p-accent);
    box-shadow: inset 0 0 0 1px var(--p-accent);
  }
  .retry {
    color: var(--p-danger);
    text-decoration: underline;
    font-size: 0.85em;
  }
  .actions {
    position: absolute;
    inset-block-start: 0;
    inset-inline-end: 12px;
    display: flex;
    background: var(--p-bg);
    border: 1px solid var(--p-border);
    border-radius: 16px;
    z-index: 1;
  }
  .actions .icon {
    min-width: 30px;
    height: 30px;
    font-size: 15px;
  }
  .actions svg {
    width: 16px;
    height: 16px;
  }
  .mine .actions {
    inset-inline: 12px auto;
  }
  .msg:not(:hover, :focus-within) .actions {
    /* Unseen until hovered or focused (Tab reaches it); over its own message's top only. */
    opacity: 0;
  }
`;
