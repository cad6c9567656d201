export * from './schema-pipes.js';
export * from './problem.js';
export * from './problem.filter.js';
export * from './http-pipeline.js';
export * from './request-context.js';
export * from './api-route.js';
