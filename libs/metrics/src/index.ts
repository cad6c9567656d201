export * from './http-metrics.middleware.js';
export * from './metrics.module.js';
export * from './metrics.service.js';
