export * from './message-row.js';
export * from './messages.errors.js';
export * from './messages.module.js';
export * from './messages.service.js';
