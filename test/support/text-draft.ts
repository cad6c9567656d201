import { randomUUID } from 'node:crypto';
import type { MessageDraft } from '../../libs/messages/src/message-writer.js';

/** A new text message for `MessageWriter.send`, with a fresh id. */
export const textDraft = (clientId: string, text = 'hi'): MessageDraft => ({
  id: randomUUID(),
  clientId,
  kind: 'text',
  text,
  attachments: [],
  replyTo: null,
});
