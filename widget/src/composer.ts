import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { ParleyElement } from './base-element.js';
import { icons } from './icons.js';
import { shared } from './styles.js';

/** A file on its way up, as the composer shows it. */
export interface UploadView {
  id: number;
  name: string;
  /** 0…1 */
  progress: number;
}

/**
 * The message input: Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit.
 * Files come from the attach button or from pasting; the chat view uploads them.
 * @fires parley-send - `detail.text`, trimmed and not empty
 * @fires parley-files - `detail.files` picked or pasted
 * @fires parley-typing - on each keystroke that changes the text
 * @fires parley-cancel - the reply or edit was cancelled
 */
@customElement('parley-composer')
export class ParleyComposer extends ParleyElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        border-block-start: 1px solid var(--p-surface);
        padding: 8px;
      }
      .row {
        display: flex;
        align-items: flex-end;
        gap: 4px;
      }
      textarea {
        flex: 1;
        min-height: 40px;
        max-height: 160px;
        padding: 9px 12px;
        resize: none;
        font: inherit;
        color: inherit;
        background: var(--p-bg);
        border: 1px solid var(--p-border);
        border-radius: 20px;
      }
      textarea::placeholder {
        color: var(--p-muted);
      }
      [part='send'] {
        background: var(--p-accent);
        color: var(--p-on-accent);
      }
      :host(:dir(rtl)) [part='send'] svg {
        transform: scaleX(-1);
      }
      [part='send']:hover {
        background: var(--p-accent);
      }
      .context {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 0 4px 6px;
        font-size: 0.85em;
        border-inline-start: 3px solid var(--p-accent);
        padding-inline-start: 8px;
        margin-block-end: 6px;
      }
      .context span {
        flex: 1;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .upload {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 0.85em;
        padding: 0 4px 6px;
      }
      progress {
        flex: 1;
        accent-color: var(--p-accent);
      }
    `,
  ];

  /** "Replying to Ann" or "Editing message", with a cancel button; null for a plain message. */
  @property({ attribute: false }) context: string | null = null;
  /** Text to put in the input (the message being edited); applied when it changes. */
  @property({ attribute: false }) draft: string | null = null;
  @property({ attribute: false }) uploads: readonly UploadView[] = [];

  @query('textarea') private input?: HTMLTextAreaElement;
  @query('input[type="file"]') private picker?: HTMLInputElement;

  override focus(): void {
    this.input?.focus();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('draft') && this.draft !== null && this.input) {
      this.input.value = this.draft;
      this.grow();
      this.input.focus();
    }
  }

  override render() {
    const t = this.t;
    return html`${this.uploads.map(
        (upload) =>
          html`<div class="upload">
            <span>${upload.name}</span>
            <progress
              part="upload-progress"
              max="1"
              .value=${upload.progress}
              aria-label=${upload.name}
            ></progress>
          </div>`,
      )}
      ${
        this.context
          ? html`<div class="context">
              <span>${this.context}</span>
              <button class="icon" aria-label=${t('cancel')} @click=${this.cancel}>${icons.close}</button>
            </div>`
          : nothing
      }
      <div class="row">
        <button part="attach" class="icon" aria-label=${t('attach')} @click=${() => this.picker?.click()}>
          ${icons.attach}
        </button>
        <input type="file" multiple hidden tabindex="-1" aria-hidden="true" @change=${this.picked} />
        <textarea
          part="input"
          rows="1"
          aria-label=${t('message')}
          placeholder=${t('message')}
          @keydown=${this.onKey}
          @input=${this.onInput}
          @paste=${this.onPaste}
        ></textarea>
        <button part="send" class="icon" aria-label=${t('send')} @click=${this.send}>${icons.send}</button>
      </div>`;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    } else if (event.key === 'Escape' && this.context) {
      event.stopPropagation();
      this.cancel();
    }
  }

  private onInput(): void {
    this.grow();
    if (this.input?.value) this.emit('parley-typing', {});
  }

  private onPaste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.emit('parley-files', { files });
  }

  private picked(): void {
    const files = [...(this.picker?.files ?? [])];
    if (this.picker) this.picker.value = '';
    if (files.length) this.emit('parley-files', { files });
  }

  private send(): void {
    const input = this.input;
    const text = input?.value.trim() ?? '';
    if (!input || !text) return;
    input.value = '';
    this.grow();
    this.emit('parley-send', { text });
  }

  private cancel(): void {
    if (this.draft !== null && this.input) this.input.value = '';
    this.emit('parley-cancel', {});
    this.input?.focus();
  }

  private grow(): void {
    const input = this.input;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight + 2}px`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-composer': ParleyComposer;
  }
}
