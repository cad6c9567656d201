export * from './fcm.sender.js';
export * from './push-sender.js';
export * from './push.errors.js';
export * from './push.module.js';
export * from './push.service.js';
export * from './web-push.sender.js';
