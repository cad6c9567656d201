export * from './chat-events.js';
export * from './fanout.module.js';
export * from './rooms.js';
