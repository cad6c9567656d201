import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  CreateWebhookBodySchema,
  IdSchema,
  UpdateWebhookBodySchema,
  WebhookDeliveriesQuerySchema,
  type CreateWebhookBody,
  type List,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
} from '@parley/protocol';
import { Access, CurrentActor, type Actor } from '@parley/tenancy';
import { WebhooksService } from './webhooks.service.js';

const WebhookId = (): ParameterDecorator => ValidParam('webhookId', IdSchema);

/** The tenant's webhooks: its backend's business only (secret key). */
@Controller('v1/webhooks')
@Access('server')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  create(
    @CurrentActor() actor: Actor,
    @ValidBody(CreateWebhookBodySchema) body: CreateWebhookBody,
  ): Promise<WebhookCreated> {
    return this.webhooks.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<List<Webhook>> {
    return this.webhooks.list(actor);
  }

  @Get(':webhookId')
  get(@CurrentActor() actor: Actor, @WebhookId() id: string): Promise<Webhook> {
    return this.webhooks.get(actor, id);
  }

  @Patch(':webhookId')
  update(
    @CurrentActor() actor: Actor,
    @WebhookId() id: string,
    @ValidBody(UpdateWebhookBodySchema) body: UpdateWebhookBody,
  ): Promise<Webhook> {
    return this.webhooks.update(actor, id, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  remove(@CurrentActor() actor: Actor, @WebhookId() id: string): Promise<void> {
    return this.webhooks.remove(actor, id);
  }

  @Get(':webhookId/deliveries')
  deliveries(
    @CurrentActor() actor: Actor,
    @WebhookId() id: string,
    @ValidQuery(WebhookDeliveriesQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<WebhookDelivery>> {
    return this.webhooks.deliveries(actor, id, query.cursor, query.limit);
  }
}
