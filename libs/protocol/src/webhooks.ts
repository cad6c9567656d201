import { z } from 'zod';
import { CursorQuerySchema, TimestampSchema } from './primitives.js';

/** The events a webhook can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'message.new',
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
] as const;
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export const WebhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine((url) => !/^https?:\/\/[^/]*@/.test(url), 'must not carry credentials');

const EventsSchema = z
  .array(WebhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((events) => [...new Set(events)]);

/** `POST /v1/webhooks`. */
export const CreateWebhookBodySchema = z.strictObject({ url: WebhookUrlSchema, events: EventsSchema });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

/** `PATCH /v1/webhooks/:id`: change the events, or set `status: 'active'` to re-enable a disabled endpoint. */
export const UpdateWebhookBodySchema = z
  .strictObject({ events: EventsSchema.optional(), status: z.enum(['active', 'disabled']).optional() })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBodySchema>;

export const WebhookStatusSchema = z
  .enum(['active', 'disabled'])
  .describe('`disabled` endpoints get no deliveries; `disabledReason` says why');

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventTypeSchema),
  status: WebhookStatusSchema,
  disabledReason: z
    .string()
    .nullable()
    .describe('Why the endpoint was disabled: by the tenant, or after persistent delivery failure'),
  disabledAt: TimestampSchema.nullable(),
  lastSuccessAt: TimestampSchema.nullable(),
  createdAt: TimestampSchema,
});
export type Webhook = z.infer<typeof WebhookSchema>;

/** The answer to `POST /v1/webhooks`: the only time the signing secret is shown. */
export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('Signs every delivery (`Parley-Signature`); shown once'),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

/**
 * The body of every webhook call. `id` identifies the event: a retry carries the same id and the
 * very same body, so a receiver that has seen the id already has nothing new to do.
 */
export const WebhookEventSchema = z.object({
  id: z.string(),
  type: WebhookEventTypeSchema,
  createdAt: TimestampSchema,
  tenantId: z.string(),
  data: z
    .record(z.string(), z.unknown())
    .describe(
      '`message.*`: `{ chatId, message, reaction? }`; `member.added`: `{ chatId, member }`; `member.removed`: `{ chatId, userId }`',
    ),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  type: WebhookEventTypeSchema,
  status: z
    .enum(['pending', 'delivered', 'failed'])
    .describe('`pending` while tries remain; `failed` after the last one'),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable().describe("The receiver's HTTP status on the latest try"),
  lastError: z.string().nullable(),
  createdAt: TimestampSchema,
  lastAttemptAt: TimestampSchema.nullable(),
  deliveredAt: TimestampSchema.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesQuerySchema = CursorQuerySchema;

/** The header that signs each call: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Parley-Signature';
