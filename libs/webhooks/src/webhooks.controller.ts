import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiRoute, ValidBody, ValidParam, ValidQuery } from '@parley/http';
import {
  CreateWebhookBodySchema,
  IdSchema,
  listOf,
  UpdateWebhookBodySchema,
  WebhookCreatedSchema,
  WebhookDeliveriesQuerySchema,
  WebhookDeliverySchema,
  WebhookSchema,
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
  @ApiRoute(
    'Add a webhook (its signing secret is shown once)',
    { 201: WebhookCreatedSchema },
    { errors: ['conflict'] },
  )
  create(
    @CurrentActor() actor: Actor,
    @ValidBody(CreateWebhookBodySchema) body: CreateWebhookBody,
  ): Promise<WebhookCreated> {
    return this.webhooks.create(actor, body);
  }

  @Get()
  @ApiRoute("The tenant's webhooks", { 200: listOf(WebhookSchema) })
  list(@CurrentActor() actor: Actor): Promise<List<Webhook>> {
    return this.webhooks.list(actor);
  }

  @Get(':webhookId')
  @ApiRoute('A webhook', { 200: WebhookSchema }, { errors: ['not_found'] })
  get(@CurrentActor() actor: Actor, @WebhookId() id: string): Promise<Webhook> {
    return this.webhooks.get(actor, id);
  }

  @Patch(':webhookId')
  @ApiRoute(
    'Change the events, or re-enable a disabled webhook',
    { 200: WebhookSchema },
    { errors: ['not_found'] },
  )
  update(
    @CurrentActor() actor: Actor,
    @WebhookId() id: string,
    @ValidBody(UpdateWebhookBodySchema) body: UpdateWebhookBody,
  ): Promise<Webhook> {
    return this.webhooks.update(actor, id, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiRoute('Remove a webhook', { 204: null }, { errors: ['not_found'] })
  remove(@CurrentActor() actor: Actor, @WebhookId() id: string): Promise<void> {
    return this.webhooks.remove(actor, id);
  }

  @Get(':webhookId/deliveries')
  @ApiRoute(
    "A webhook's deliveries, newest first",
    { 200: listOf(WebhookDeliverySchema) },
    { errors: ['not_found'] },
  )
  deliveries(
    @CurrentActor() actor: Actor,
    @WebhookId() id: string,
    @ValidQuery(WebhookDeliveriesQuerySchema) query: { cursor?: string; limit?: number },
  ): Promise<List<WebhookDelivery>> {
    return this.webhooks.deliveries(actor, id, query.cursor, query.limit);
  }
}
