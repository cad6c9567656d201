import { css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { ParleyElement } from './base-element.js';
import { icons } from './icons.js';
import { shared } from './styles.js';

/** Parts of the launcher, re-exported by `parley-chat`. */
export const LAUNCHER_PARTS = 'launcher, launcher-badge, panel';

/**
 * Launcher mode: a floating bubble with the unread count that opens the chat in a panel (its
 * slotted content). Escape closes the panel and gives the focus back to the bubble.
 * @fires parley-toggle - the bubble or Escape asked to open or close (`detail.open`)
 */
@customElement('parley-launcher')
export class ParleyLauncher extends ParleyElement {
  static override styles = [
    shared,
    css`
      :host {
        position: fixed;
        inset-block-end: 20px;
        inset-inline-end: 20px;
        z-index: 2147483000;
      }
      [part='launcher'] {
        position: relative;
        width: 56px;
        height: 56px;
        border-radius: 50%;
        background: var(--p-accent);
        color: var(--p-on-accent);
        font-size: 26px;
        box-shadow: 0 4px 14px #0005;
      }
      [part='launcher-badge'] {
        position: absolute;
        inset-block-start: -4px;
        inset-inline-end: -4px;
        min-width: 22px;
        padding: 1px 6px;
        border-radius: 11px;
        background: var(--p-danger);
        color: var(--p-bg);
        font-size: 12px;
        font-weight: 700;
      }
      [part='panel'] {
        position: absolute;
        inset-block-end: 68px;
        inset-inline-end: 0;
        display: flex;
        flex-direction: column;
        width: min(380px, calc(100vw - 40px));
        height: min(600px, calc(100vh - 110px));
        overflow: hidden;
        border-radius: var(--p-radius);
        background: var(--p-bg);
        box-shadow: 0 8px 30px #0006;
        animation: rise 0.15s ease-out;
      }
      @keyframes rise {
        from {
          opacity: 0;
          transform: translateY(12px);
        }
      }
    `,
  ];

  /** The panel is open. */
  @property({ type: Boolean }) open = false;
  /** Unread messages across the user's chats (0 hides the badge). */
  @property({ type: Number }) unread = 0;

  @query('[part="launcher"]') private button?: HTMLButtonElement;

  override focus(): void {
    this.button?.focus();
  }

  override render() {
    const t = this.t;
    // Closed, the panel is not there at all (and the chat inside it is not rendered).
    return html`${
        this.open
          ? html`<div part="panel" role="dialog" aria-label=${t('chat')} @keydown=${this.onKey}>
              <slot></slot>
            </div>`
          : nothing
      }
      <button
        part="launcher"
        aria-label=${t('openChat')}
        aria-expanded=${this.open ? 'true' : 'false'}
        @click=${() => this.emit('parley-toggle', { open: !this.open })}
      >
        ${this.open ? icons.close : icons.chat}
        ${
          this.unread > 0
            ? html`<span part="launcher-badge" aria-hidden="true"
                >${this.unread > 99 ? '99+' : this.unread}</span
              >`
            : nothing
        }
      </button>`;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.emit('parley-toggle', { open: false });
    this.button?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-launcher': ParleyLauncher;
  }
}
