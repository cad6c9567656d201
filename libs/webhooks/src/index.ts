export * from './webhook-signature.js';
export * from './webhooks.module.js';
export * from './webhooks.service.js';
