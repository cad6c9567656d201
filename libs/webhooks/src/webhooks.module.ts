import { Module } from '@nestjs/common';
import { EgressModule } from '@parley/egress';
import { TenancyModule } from '@parley/tenancy';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksProcessor } from './webhooks.processor.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [TenancyModule, EgressModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhooksProcessor],
  exports: [WebhooksService],
})
export class WebhooksModule {}
