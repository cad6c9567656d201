/**
 * `@parley/sdk`: Parley's client for browsers and Node. Start with `ParleyClient`. Tenant backends
 * sign user tokens with `createUserToken` from `@parley/sdk/server` (Node only).
 */
export { ParleyClient, type ParleyClientOptions, type ParleyEvents, type ServerEvents } from './client.js';
export { ParleyChat, type ChatState, type SendOptions } from './chat.js';
export type { UploadOptions, UploadProgress, UploadSource } from './uploads.js';
export { ChatsModule, type CreateGroupOptions } from './chats.js';
export { ChatList, type ChatListState } from './chat-list.js';
export { PresenceModule } from './presence.js';
export type { ConnectionChange, ConnectionState } from './connection.js';
export { ParleyError, type ParleyErrorCode } from './errors.js';
export type { LocalMessage, MessageStatus } from './message-list.js';
export type { ReadonlyStore } from './store.js';
export type { Listener, Unsubscribe } from './emitter.js';
export type { Logger } from './logger.js';
export type { Timers } from './timers.js';
export type { TokenProvider } from './token.js';
export type { BackoffOptions } from './backoff.js';
export type { TypingOptions } from './typing.js';
export type { Fetch } from './http.js';
export type {
  Attachment,
  Chat,
  Member,
  Message,
  Presence,
  Receipt,
  SearchHit,
  User,
  ServerEventName,
  ServerEventPayload,
} from '@parley/protocol';
