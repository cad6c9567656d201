import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { translator, type Translate } from './i18n.js';

/** The `parley-*` events, with their `detail`. Those marked public leave `<parley-chat>`. */
export interface ParleyEventMap {
  /** Public: connected and the first view is rendered. */
  'parley-ready': { userId: string };
  /** Public: something failed that the user sees (sign-in, loading, an upload). */
  'parley-error': { code: string; message: string };
  /** Public: a chat was opened in the widget. */
  'parley-chat-open': { chatId: string };
  /** Public: the launcher panel opened or closed. */
  'parley-toggle': { open: boolean };
  /** Internal: from the chat list. */
  'parley-select': { chatId: string };
  'parley-more': Record<string, never>;
  /** Internal: from the chat view. */
  'parley-back': Record<string, never>;
  /** Internal: from the message view. */
  'parley-reply': { messageId: string };
  'parley-edit': { messageId: string };
  /** Internal: from the composer. */
  'parley-send': { text: string };
  'parley-files': { files: File[] };
  'parley-typing': Record<string, never>;
  'parley-cancel': Record<string, never>;
}

const PUBLIC = new Set<keyof ParleyEventMap>([
  'parley-ready',
  'parley-error',
  'parley-chat-open',
  'parley-toggle',
]);

/**
 * Base of the widget's elements: the shared `t` (strings of the current language) and a typed
 * `emit()`. Public events bubble out of the shadow DOM (`composed`); internal ones stay inside.
 */
export class ParleyElement extends LitElement {
  /** Strings of the widget's language; set by the parent. */
  @property({ attribute: false }) t: Translate = translator('en');

  emit<K extends keyof ParleyEventMap>(name: K, detail: ParleyEventMap[K]): boolean {
    const event = new CustomEvent(name, { bubbles: true, composed: PUBLIC.has(name), detail });
    return this.dispatchEvent(event);
  }

  /** Tells the page that something failed (`parley-error`). */
  protected emitError(error: unknown): void {
    this.emit('parley-error', describeFailure(error));
  }
}

/** The code and message of anything thrown: SDK errors carry both; anything else is `internal`. */
export function describeFailure(error: unknown): ParleyEventMap['parley-error'] {
  const { code = 'internal', message = String(error) } = error as { code?: string; message?: string };
  return { code, message };
}

declare global {
  interface HTMLElementEventMap {
    'parley-ready': CustomEvent<ParleyEventMap['parley-ready']>;
    'parley-error': CustomEvent<ParleyEventMap['parley-error']>;
    'parley-chat-open': CustomEvent<ParleyEventMap['parley-chat-open']>;
    'parley-toggle': CustomEvent<ParleyEventMap['parley-toggle']>;
  }
}
