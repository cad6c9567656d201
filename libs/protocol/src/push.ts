import { z } from 'zod';
import { jsonOrNull, TimestampSchema } from './primitives.js';

/** What a push notification shows (tenant setting `push.notificationText`). */
export const NotificationTextSchema = z
  .enum(['full', 'sender', 'none'])
  .describe("`full`: sender and text; `sender`: the sender's name only; `none`: no content at all");
export type NotificationText = z.infer<typeof NotificationTextSchema>;

export const PushSettingsSchema = z.object({
  notificationText: NotificationTextSchema.default('full'),
});
export type PushSettings = z.infer<typeof PushSettingsSchema>;

/** Bytes a base64url string (padding optional) decodes to, without decoding it (no Buffer in browsers). */
const decodedLength = (value: string): number => Math.floor((value.replace(/=+$/, '').length * 3) / 4);

const base64urlBytes = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be ${what} in base64url`)
    .refine((value) => decodedLength(value) === bytes, `must be ${what} (${bytes} bytes)`);

/** A browser's `PushSubscription.toJSON()`. */
export const WebPushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, message: 'must be the http(s) URL of a push service' }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    // An uncompressed point starts with the byte 0x04, which base64url writes as `B`.
    p256dh: base64urlBytes(65, 'an uncompressed P-256 public key').refine(
      (value) => value.startsWith('B'),
      'must be an uncompressed P-256 public key',
    ),
    auth: base64urlBytes(16, 'a 16-byte auth secret'),
  }),
});
export type WebPushSubscription = z.infer<typeof WebPushSubscriptionSchema>;

export const DeviceKindSchema = z.enum(['fcm', 'webpush']);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

/** `POST /v1/devices`: an FCM registration token, or a Web Push subscription. */
export const RegisterDeviceBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fcm'),
    token: z.string().regex(/^[\x21-\x7e]{1,4096}$/, 'must be an FCM registration token'),
  }),
  z.strictObject({ kind: z.literal('webpush'), subscription: WebPushSubscriptionSchema }),
]);
export type RegisterDeviceBody = z.infer<typeof RegisterDeviceBodySchema>;

export const DeviceSchema = z.object({
  id: z.string(),
  userId: z.string(),
  kind: DeviceKindSchema,
  token: z.string().describe('The FCM registration token, or the Web Push endpoint'),
  createdAt: TimestampSchema,
});
export type Device = z.infer<typeof DeviceSchema>;

/** `GET /v1/push/vapid-key`: the key a browser subscribes with (`applicationServerKey`). */
export const VapidKeySchema = z.object({
  publicKey: z.string().describe('The VAPID public key, base64url (uncompressed P-256 point)'),
});
export type VapidKey = z.infer<typeof VapidKeySchema>;

/** `PUT /v1/tenant/push/fcm`: the Firebase service account JSON key file, as Google gives it. */
export const FcmCredentialsBodySchema = z.strictObject({
  serviceAccount: z
    .looseObject({
      type: z.literal('service_account').optional(),
      project_id: z.string().regex(/^[a-z0-9-]{4,64}$/, 'must be a Firebase project id'),
      client_email: z.email().max(320),
      private_key: z
        .string()
        .max(10_000)
        .regex(/-----BEGIN PRIVATE KEY-----/, 'must be a PEM private key'),
    })
    .refine(
      (value) => (jsonOrNull(value)?.length ?? Infinity) <= 20_000,
      'must be at most 20,000 characters of JSON',
    ),
});
export type FcmCredentialsBody = z.infer<typeof FcmCredentialsBodySchema>;

/** Stored FCM credentials, as the API shows them: never the key itself. */
export const FcmCredentialsSchema = z.object({
  projectId: z.string(),
  clientEmail: z.string(),
  updatedAt: TimestampSchema,
});
export type FcmCredentials = z.infer<typeof FcmCredentialsSchema>;

/**
 * What a Web Push message carries (encrypted, RFC 8291) to the service worker, and what an FCM
 * message carries in `data` (as strings). `title` and `body` follow `push.notificationText`.
 */
export const PushPayloadSchema = z.object({
  title: z.string().nullable(),
  body: z.string().nullable(),
  data: z.object({ tenantId: z.string(), chatId: z.string(), messageId: z.string(), seq: z.string() }),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;
