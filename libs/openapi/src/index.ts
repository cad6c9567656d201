export * from './openapi-document.js';
export * from './docs.js';
export * from './schemas.js';
