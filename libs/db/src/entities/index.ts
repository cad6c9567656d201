import { ApiKeyEntity } from './api-key.entity.js';
import { AttachmentEntity } from './attachment.entity.js';
import { ChatMemberEntity } from './chat-member.entity.js';
import { ChatEntity } from './chat.entity.js';
import { DeviceEntity } from './device.entity.js';
import { FcmCredentialsEntity } from './fcm-credentials.entity.js';
import { MessageEntity } from './message.entity.js';
import { ReactionEntity } from './reaction.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { UserEntity } from './user.entity.js';
import { VapidKeyEntity } from './vapid-key.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEntity } from './webhook.entity.js';

export {
  ApiKeyEntity,
  AttachmentEntity,
  ChatEntity,
  ChatMemberEntity,
  MessageEntity,
  ReactionEntity,
  TenantEntity,
  UserEntity,
  DeviceEntity,
  FcmCredentialsEntity,
  VapidKeyEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
};

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  UserEntity,
  ChatEntity,
  ChatMemberEntity,
  MessageEntity,
  ReactionEntity,
  DeviceEntity,
  FcmCredentialsEntity,
  VapidKeyEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  AttachmentEntity,
];
