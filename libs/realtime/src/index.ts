export * from './realtime.module.js';
export * from './socket-io.adapter.js';
