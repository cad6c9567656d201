export * from './receipts.module.js';
export * from './receipts.service.js';
