import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectJobQueue, type ParleyJobQueue } from '@parley/queue';
import { WebhooksService } from './webhooks.service.js';

/** Runs `webhooks` jobs wherever this process works jobs (see libs/queue). */
@Injectable()
export class WebhooksProcessor implements OnModuleInit {
  constructor(
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.queue.process('webhooks', (job, context) => this.webhooks.deliver(job, context));
  }
}
