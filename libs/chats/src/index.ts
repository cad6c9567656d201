export * from './chat-access.js';
export * from './chats.errors.js';
export * from './chats.module.js';
export * from './chats.service.js';
export * from './cursor.js';
export type { ChatListRow, ChatRow, MemberRow } from './chats.repository.js';
