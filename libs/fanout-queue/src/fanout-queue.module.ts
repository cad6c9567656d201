import { Module } from '@nestjs/common';
import { PushModule } from '@parley/push';
import { WebhooksModule } from '@parley/webhooks';
import { ChatEventRelay } from './chat-event-relay.js';
import { FanoutProcessor } from './fanout.processor.js';

/**
 * After a chat event commits: the `fanout` queue (webhooks for it; push to members not connected for
 * a new message). Imported by `apps/api` (which observes events and may also run the jobs) and by
 * `apps/worker` (which runs them), together with the push and webhook processors it feeds.
 */
@Module({
  imports: [PushModule, WebhooksModule],
  providers: [ChatEventRelay, FanoutProcessor],
})
export class FanoutQueueModule {}
