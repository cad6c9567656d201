export * from './users.module.js';
export * from './users.service.js';
