export * from './inbox.module.js';
export * from './inbox.service.js';
