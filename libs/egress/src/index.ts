export * from './address-policy.js';
export * from './egress.js';
export * from './egress.module.js';
