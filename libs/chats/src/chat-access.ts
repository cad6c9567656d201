import type { MemberRole } from '@parley/protocol';
import type { Actor } from '@parley/tenancy';
import { ActingUserRequiredError } from '@parley/tenancy';
import {
  ChatNotFoundError,
  DirectChatFixedError,
  NotAChatAdminError,
  NotAMemberError,
} from './chats.errors.js';

/**
 * What a call needs of the chat: `read` it, `post` into it as a member (send, react, read pointer),
 * or `admin` it (rename, members).
 */
export type ChatNeed = 'read' | 'post' | 'admin';

export interface ChatAccess {
  chatId: string;
  kind: 'direct' | 'group';
  /** The acting user's role; null when the tenant's backend acts as itself. */
  role: MemberRole | null;
  /** The acting user, present whenever `need` is `post`. */
  userId: string | null;
  /** Owners, admins and the tenant's backend manage the chat and moderate its messages. */
  canModerate: boolean;
}

export interface ChatAccessRow {
  kind: 'direct' | 'group';
  role: MemberRole | null;
}

/**
 * The one place the access rules live. Outsiders get `not_found`, not `forbidden`: a chat's existence
 * is not revealed. The secret key is trusted with every chat of its tenant.
 */
export function decideAccess(
  actor: Actor,
  chatId: string,
  row: ChatAccessRow | null,
  need: ChatNeed,
): ChatAccess {
  if (!row) throw new ChatNotFoundError(chatId);
  if (!actor.isServer && !row.role) throw new ChatNotFoundError(chatId);
  const canModerate = actor.isServer || row.role === 'owner' || row.role === 'admin';
  if (need === 'post') {
    if (!actor.userId) throw new ActingUserRequiredError();
    if (!row.role) throw new NotAMemberError(actor.userId);
  }
  if (need === 'admin') {
    if (row.kind === 'direct') throw new DirectChatFixedError();
    if (!canModerate) throw new NotAChatAdminError('manage this chat');
  }
  return { chatId, kind: row.kind, role: row.role, userId: actor.userId, canModerate };
}
