export * from './domain-error.js';
export * from './parse.js';
