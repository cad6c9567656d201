import { DomainError } from '@parley/errors';

/** Also what a non-member gets: a chat's existence is not revealed to outsiders. */
export class ChatNotFoundError extends DomainError {
  constructor(chatId: string) {
    super('not_found', `Chat ${chatId} not found`);
  }
}

export class NotAChatAdminError extends DomainError {
  constructor(action: string) {
    super('forbidden', `Only the chat's owners and admins may ${action}`);
  }
}

export class DirectChatFixedError extends DomainError {
  constructor() {
    super('forbidden', 'A direct chat always has the same two members and no title');
  }
}

export class NotAMemberError extends DomainError {
  constructor(userId: string) {
    super('forbidden', `User ${userId} is not a member of this chat`);
  }
}

export class MemberNotFoundError extends DomainError {
  constructor(userId: string) {
    super('not_found', `User ${userId} is not a member of this chat`);
  }
}

export class UsersNotFoundError extends DomainError {
  constructor(userIds: string[]) {
    super('not_found', `No such user: ${userIds.join(', ')}`, {
      errors: userIds.map((id) => ({ path: 'body.members', message: `user ${id} does not exist` })),
    });
  }
}

export class TooManyMembersPerCallError extends DomainError {
  constructor(limit: number) {
    super('validation_failed', `At most ${limit} members per call`, {
      errors: [{ path: 'body.members', message: `must hold at most ${limit} user ids` }],
    });
  }
}

export class GroupFullError extends DomainError {
  constructor(limit: number) {
    super('conflict', `A group holds at most ${limit} members`);
  }
}

export class OwnDirectChatOnlyError extends DomainError {
  constructor() {
    super('forbidden', 'A user may only open direct chats that include themselves');
  }
}

export class RoleChangeForbiddenError extends DomainError {
  constructor() {
    super('forbidden', "Only the chat's owners may change roles");
  }
}

export class InvalidCursorError extends DomainError {
  constructor() {
    super('validation_failed', 'The cursor is not one this list returned', {
      errors: [{ path: 'query.cursor', message: 'unknown cursor' }],
    });
  }
}
