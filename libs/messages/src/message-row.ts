import type { StoredAttachment } from '@parley/attachments';
import type { Attachment, Message } from '@parley/protocol';

export interface MessageRow {
  id: string;
  chatId: string;
  seq: number;
  version: number;
  senderId: string | null;
  clientId: string | null;
  kind: 'text' | 'file' | 'system';
  text: string | null;
  /** What the message keeps of its files; `toMessage` gets them with signed URLs. */
  attachments: StoredAttachment[];
  replyTo: string | null;
  reactionCounts: Record<string, number>;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

export const MESSAGE_COLUMNS = `m.id, m.chat_id AS "chatId", m.seq, m.version, m.sender_id AS "senderId",
  m.client_id AS "clientId", m.kind, m.text, m.attachments, m.reply_to AS "replyTo",
  m.reaction_counts AS "reactionCounts", m.created_at AS "createdAt", m.edited_at AS "editedAt",
  m.deleted_at AS "deletedAt"`;

/**
 * The wire shape of a stored message, as seen by a viewer whose own reactions are `mine`, with its
 * attachments as AttachmentsService.present made them (URLs signed now).
 */
export function toMessage(
  row: MessageRow,
  attachments: Attachment[],
  mine: ReadonlySet<string> = EMPTY,
): Message {
  const reactions: Message['reactions'] = {};
  for (const [emoji, count] of Object.entries(row.reactionCounts))
    reactions[emoji] = { count, me: mine.has(emoji) };
  return {
    id: row.id,
    chatId: row.chatId,
    seq: row.seq,
    version: row.version,
    senderId: row.senderId,
    clientId: row.clientId,
    kind: row.kind,
    text: row.text,
    attachments,
    replyTo: row.replyTo,
    reactions,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

const EMPTY: ReadonlySet<string> = new Set();
