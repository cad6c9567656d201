export * from './openapi-document.js';
export * from './asyncapi-document.js';
export * from './docs.js';
export * from './schemas.js';
