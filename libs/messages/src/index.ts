export * from './messages.errors.js';
export * from './messages.module.js';
export * from './messages.service.js';
