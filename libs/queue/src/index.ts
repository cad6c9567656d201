export * from './job-queue.js';
export * from './jobs.js';
export * from './in-process.job-queue.js';
export * from './bullmq.job-queue.js';
export * from './queue.module.js';
