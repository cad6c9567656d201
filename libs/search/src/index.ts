export * from './elasticsearch.index.js';
export * from './search-backend.js';
export * from './search.indexer.js';
export * from './search.module.js';
export * from './search.service.js';
