export * from './presence.module.js';
export * from './presence.service.js';
export * from './presence-store.js';
