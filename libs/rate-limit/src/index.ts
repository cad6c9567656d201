export * from './rate-counter.js';
export * from './rate-limit.guard.js';
export * from './rate-limit.module.js';
export * from './rate-limit.service.js';
