import { ApiKeyEntity } from './api-key.entity.js';
import { ChatMemberEntity } from './chat-member.entity.js';
import { ChatEntity } from './chat.entity.js';
import { MessageEntity } from './message.entity.js';
import { ReactionEntity } from './reaction.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { UserEntity } from './user.entity.js';

export {
  ApiKeyEntity,
  ChatEntity,
  ChatMemberEntity,
  MessageEntity,
  ReactionEntity,
  TenantEntity,
  UserEntity,
};

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  UserEntity,
  ChatEntity,
  ChatMemberEntity,
  MessageEntity,
  ReactionEntity,
];
