import { z } from 'zod';
import { safeString, TimestampSchema } from './primitives.js';
import { UploadSettingsSchema } from './attachments.js';
import { PushSettingsSchema } from './push.js';

/** An origin a browser may call from with the publishable key: `https://app.example.com` or `https://*.example.com`. */
export const OriginPatternSchema = z
  .string()
  .max(253)
  .regex(
    /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/,
    'must be an origin such as https://app.example.com or https://*.example.com',
  );

/** Per-tenant limits. Every field has a default, so a tenant only sets what it wants to change. */
export const TenantLimitsSchema = z.object({
  textLength: z.number().int().min(1).max(100_000).default(4_000).describe('Maximum characters in a message'),
  membersPerCall: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(100)
    .describe('Maximum user ids in one create-chat or add-members call'),
  groupMembers: z.number().int().min(2).max(100_000).default(100_000).describe('Maximum members of a group'),
  pageSize: z.number().int().min(10).max(500).default(100).describe('Largest `limit` a list accepts'),
  messagesPerSecond: z.number().int().min(1).max(10_000).default(10).describe('Sends per user per second'),
  userRequestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1_200)
    .describe('Requests per user per minute'),
  presenceGroupSize: z
    .number()
    .int()
    .min(2)
    .max(10_000)
    .default(100)
    .describe(
      'Presence changes are pushed to chats of at most this many members; larger ones ask GET /v1/presence',
    ),
  tenantRequestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .default(120_000)
    .describe('Requests per tenant per minute, all callers together'),
  uploadBytes: z
    .number()
    .int()
    .min(1)
    .max(1_073_741_824)
    .default(26_214_400)
    .describe('Largest file `POST /v1/uploads` accepts, in bytes (default 25 MiB)'),
});
export type TenantLimits = z.infer<typeof TenantLimitsSchema>;
export const DEFAULT_TENANT_LIMITS: TenantLimits = TenantLimitsSchema.parse({});

export const TenantSettingsSchema = z.object({
  allowedOrigins: z.array(OriginPatternSchema).max(100),
  guestAccess: z.boolean(),
  limits: TenantLimitsSchema,
  push: PushSettingsSchema,
  uploads: UploadSettingsSchema,
});
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

const TenantNameSchema = safeString(1, 200);

export const CreateTenantBodySchema = z.strictObject({
  name: TenantNameSchema,
  allowedOrigins: z.array(OriginPatternSchema).max(100).optional(),
  guestAccess: z.boolean().optional(),
  limits: TenantLimitsSchema.partial().strict().optional(),
});
export type CreateTenantBody = z.infer<typeof CreateTenantBodySchema>;

export const UpdateTenantBodySchema = z
  .strictObject({
    name: TenantNameSchema.optional(),
    allowedOrigins: z.array(OriginPatternSchema).max(100).optional(),
    guestAccess: z.boolean().optional(),
    limits: TenantLimitsSchema.partial().strict().optional(),
    push: PushSettingsSchema.partial().strict().optional(),
    uploads: UploadSettingsSchema.partial().strict().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one setting');
export type UpdateTenantBody = z.infer<typeof UpdateTenantBodySchema>;

/** Answer to tenant creation: the only time the secret key is shown. */
export const TenantCreatedSchema = z.object({
  id: z.string(),
  name: z.string(),
  publishableKey: z.string(),
  secretKey: z.string(),
});
export type TenantCreated = z.infer<typeof TenantCreatedSchema>;

export const SecretKeyInfoSchema = z.object({
  id: z.string(),
  last4: z.string().describe('Last four characters, to tell keys apart'),
  createdAt: TimestampSchema,
});
export type SecretKeyInfo = z.infer<typeof SecretKeyInfoSchema>;

export const TenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  publishableKey: z.string(),
  settings: TenantSettingsSchema,
  secretKeys: z.array(SecretKeyInfoSchema),
  createdAt: TimestampSchema,
});
export type Tenant = z.infer<typeof TenantSchema>;

/** Answer to a key rotation: the only time the new secret key is shown. */
export const RotatedKeySchema = z.object({
  id: z.string(),
  secretKey: z.string(),
  createdAt: TimestampSchema,
});
export type RotatedKey = z.infer<typeof RotatedKeySchema>;
