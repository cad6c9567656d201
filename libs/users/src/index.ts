export * from './users.module.js';
