export * from './fanout-queue.module.js';
export * from './fanout.processor.js';
