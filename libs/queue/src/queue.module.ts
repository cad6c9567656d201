import { Global, Inject, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { CONFIG, type Config } from '@parley/config';
import { BullmqJobQueue } from './bullmq.job-queue.js';
import { InProcessJobQueue } from './in-process.job-queue.js';
import type { JobQueue, QueueSpecs } from './job-queue.js';
import { PARLEY_QUEUES, type ParleyJobs } from './jobs.js';

export const JOB_QUEUE = Symbol('parley.job-queue');
/** The queue specs in force: `PARLEY_QUEUES`; tests replace them with shorter backoffs. */
export const QUEUE_SPECS = Symbol('parley.queue-specs');

export type ParleyJobQueue = JobQueue<ParleyJobs>;
export const InjectJobQueue = (): ParameterDecorator => Inject(JOB_QUEUE);

export interface QueueModuleOptions {
  /** Run the handlers in this process: always in `apps/worker`; in `apps/api` when `PARLEY_WORKERS=inline`. */
  processJobs: boolean;
}

class QueueLifecycle implements BeforeApplicationShutdown {
  constructor(@InjectJobQueue() private readonly queue: ParleyJobQueue) {}

  /** Before Postgres and Redis close: running jobs still need them to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** Provides the queue port: BullMQ with `REDIS_URL`, otherwise the in-process adapter. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        { provide: QUEUE_SPECS, useValue: PARLEY_QUEUES },
        {
          provide: JOB_QUEUE,
          inject: [CONFIG, QUEUE_SPECS],
          useFactory: async (config: Config, specs: QueueSpecs<ParleyJobs>): Promise<ParleyJobQueue> => {
            if (!config.redisUrl) return new InProcessJobQueue(specs, { processJobs: options.processJobs });
            const queue = new BullmqJobQueue(specs, {
              url: config.redisUrl,
              prefix: config.queuePrefix,
              processJobs: options.processJobs,
            });
            await queue.ready();
            return queue;
          },
        },
        QueueLifecycle,
      ],
      exports: [JOB_QUEUE],
    };
  }
}
