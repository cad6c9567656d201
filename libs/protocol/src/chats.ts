import { z } from 'zod';
import { MessageSchema } from './messages.js';
import { IdSchema, QueryIntSchema, safeString, TimestampSchema, UserIdSchema } from './primitives.js';

export const ChatKindSchema = z.enum(['direct', 'group']);
export type ChatKind = z.infer<typeof ChatKindSchema>;

export const MemberRoleSchema = z.enum(['owner', 'admin', 'member']);
export type MemberRole = z.infer<typeof MemberRoleSchema>;

const ChatTitleSchema = safeString(1, 200);

export const CreateChatBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('direct'),
    members: z
      .tuple([UserIdSchema, UserIdSchema])
      .refine(([a, b]) => a !== b, 'must name two different users'),
  }),
  z.strictObject({
    kind: z.literal('group'),
    title: ChatTitleSchema.optional(),
    members: z.array(UserIdSchema).max(1_000),
  }),
]);
export type CreateChatBody = z.infer<typeof CreateChatBodySchema>;

export const UpdateChatBodySchema = z.strictObject({ title: ChatTitleSchema.nullable() });
export type UpdateChatBody = z.infer<typeof UpdateChatBodySchema>;

export const MemberSchema = z.object({
  userId: z.string(),
  role: MemberRoleSchema,
  deliveredSeq: z.number().int(),
  readSeq: z.number().int(),
  joinedAt: TimestampSchema,
});
export type Member = z.infer<typeof MemberSchema>;

export const ChatSchema = z.object({
  id: z.string(),
  kind: ChatKindSchema,
  title: z.string().nullable(),
  memberCount: z.number().int(),
  version: z.number().int().describe('Latest value of the chat counter; `changes?since=` takes it'),
  lastSeq: z.number().int().describe('Seq of the newest message, 0 when there is none'),
  lastMessage: MessageSchema.nullable(),
  unread: z
    .number()
    .int()
    .describe("Live messages after the caller's read pointer not sent by the caller, counted up to 1,000"),
  directMembers: z.array(z.string()).nullable().describe('The two users of a direct chat; null for groups'),
  membership: MemberSchema.nullable().describe("The caller's own membership; null for a server caller"),
  createdAt: TimestampSchema,
  lastMessageAt: TimestampSchema.nullable(),
});
export type Chat = z.infer<typeof ChatSchema>;

export const AddMembersBodySchema = z.strictObject({
  members: z.array(UserIdSchema).min(1).max(1_000),
  role: z.enum(['admin', 'member']).default('member'),
});
export type AddMembersBody = z.infer<typeof AddMembersBodySchema>;

export const UpdateMemberBodySchema = z.strictObject({ role: MemberRoleSchema });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBodySchema>;

export const ChatIdParamSchema = IdSchema;

export const ReadBodySchema = z.strictObject({
  seq: z.number().int().min(0).optional().describe('Highest seq read; defaults to the newest message'),
});
export type ReadBody = z.infer<typeof ReadBodySchema>;

export const ReceiptSchema = z.object({
  userId: z.string(),
  deliveredSeq: z.number().int(),
  readSeq: z.number().int(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const MembersQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: QueryIntSchema.optional(),
});
