import { z } from 'zod';
import { MetadataSchema, safeString, TimestampSchema, UserIdSchema } from './primitives.js';

const AvatarUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2048)
  .refine((value) => !value.includes('\u0000'));

export const UpsertUserBodySchema = z.strictObject({
  name: safeString(1, 200).nullable().optional(),
  avatarUrl: AvatarUrlSchema.nullable().optional(),
  metadata: MetadataSchema.optional(),
});
export type UpsertUserBody = z.infer<typeof UpsertUserBodySchema>;

export const UserSchema = z.object({
  id: UserIdSchema,
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: TimestampSchema,
});
export type User = z.infer<typeof UserSchema>;

export const USER_TOKEN_MAX_SECONDS = 30 * 24 * 3600;

export const MintTokenBodySchema = z.strictObject({
  expiresIn: z
    .number()
    .int()
    .min(60)
    .max(USER_TOKEN_MAX_SECONDS)
    .default(3600)
    .describe('Lifetime in seconds'),
});
export type MintTokenBody = z.infer<typeof MintTokenBodySchema>;

export const UserTokenSchema = z.object({ token: z.string(), expiresAt: TimestampSchema });
export type UserToken = z.infer<typeof UserTokenSchema>;

export const GUEST_TOKEN_SECONDS = 7 * 24 * 3600;

export const CreateGuestBodySchema = z.strictObject({
  name: safeString(1, 200).optional().describe('Display name; "Guest" and a number when omitted'),
});
export type CreateGuestBody = z.infer<typeof CreateGuestBodySchema>;

export const GuestSchema = z.object({
  userId: UserIdSchema,
  name: z.string(),
  token: z.string(),
  expiresAt: TimestampSchema,
});
export type Guest = z.infer<typeof GuestSchema>;

export const UserIdsQuerySchema = z.strictObject({
  ids: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(UserIdSchema).min(1).max(100)),
});
