export * from './errors.js';
export * from './primitives.js';
export * from './tenants.js';
export * from './users.js';
export * from './messages.js';
export * from './chats.js';
export * from './events.js';
export * from './search.js';
