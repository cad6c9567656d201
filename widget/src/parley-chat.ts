import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('parley-chat')
export class ParleyChatElement extends LitElement {
  @property({ attribute: 'api-key' }) apiKey = '';

  override render() {
    return html`<p>Parley</p>`;
  }
}
