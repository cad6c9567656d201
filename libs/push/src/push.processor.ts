import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectJobQueue, type ParleyJobQueue } from '@parley/queue';
import { PushService } from './push.service.js';

/** Runs `push` jobs wherever this process works jobs (see libs/queue). */
@Injectable()
export class PushProcessor implements OnModuleInit {
  constructor(
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
    private readonly push: PushService,
  ) {}

  onModuleInit(): void {
    this.queue.process('push', async (job) => {
      await this.push.send(job);
    });
  }
}
