import { z } from 'zod';
import type { SERVER_EVENT_NAMES } from './constants.js';
import { ChatKindSchema, MemberSchema, ReceiptSchema } from './chats.js';
import { ErrorCodeSchema } from './errors.js';
import { EditMessageBodySchema, EmojiSchema, MessageSchema, SendMessageBodySchema } from './messages.js';
import { IdSchema, TimestampSchema, UserIdSchema } from './primitives.js';

export { REALTIME_NAMESPACE, SERVER_EVENT_NAMES } from './constants.js';

/** Handshake `auth`: the publishable key and a user token, or the secret key (+ `onBehalfOf`) from a server. */
export const HandshakeAuthSchema = z.strictObject({
  apiKey: z.string().max(256).optional(),
  token: z.string().max(8192).optional(),
  onBehalfOf: z.string().max(128).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

const ChatRef = { chatId: IdSchema };
const MessageRef = { chatId: IdSchema, messageId: IdSchema };

export const TypingInputSchema = z.strictObject({ ...ChatRef, isTyping: z.boolean() });
export const PointerInputSchema = z.strictObject({ ...ChatRef, seq: z.number().int().min(0) });
export const ReadInputSchema = z.strictObject({ ...ChatRef, seq: z.number().int().min(0).optional() });

/**
 * Client → server events: each takes an ack answering `{ ok: true, data }` with the result schema
 * below, or `{ ok: false, error: { code, message } }`.
 */
export const CLIENT_EVENTS = {
  'message:send': { input: SendMessageBodySchema.extend(ChatRef), result: MessageSchema },
  'message:edit': { input: EditMessageBodySchema.extend(MessageRef), result: MessageSchema },
  'message:delete': { input: z.strictObject(MessageRef), result: MessageSchema },
  'reaction:add': { input: z.strictObject({ ...MessageRef, emoji: EmojiSchema }), result: MessageSchema },
  'reaction:remove': { input: z.strictObject({ ...MessageRef, emoji: EmojiSchema }), result: MessageSchema },
  typing: { input: TypingInputSchema, result: z.null() },
  read: { input: ReadInputSchema, result: ReceiptSchema },
  delivered: { input: PointerInputSchema, result: z.null() },
} as const;
export type ClientEventName = keyof typeof CLIENT_EVENTS;
export type ClientEventInput<E extends ClientEventName> = z.input<(typeof CLIENT_EVENTS)[E]['input']>;
export type ClientEventResult<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]['result']>;

export const AckErrorSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
export type Ack<T> = { ok: true; data: T } | { ok: false; error: z.infer<typeof AckErrorSchema> };
/** `Ack<T>` as a schema, for the AsyncAPI document and tests: `ackSchema(MessageSchema)`. */
export const ackSchema = <T extends z.ZodType>(result: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data: result }),
    z.object({ ok: z.literal(false), error: AckErrorSchema }),
  ]);

/**
 * A live message event. Reactions' `me` is false here: one event goes to every member, so each
 * client sets `me` from its own reactions (`reaction` says whose change it was).
 */
export const MessageEventSchema = z.object({
  message: MessageSchema,
  reaction: z
    .object({ userId: z.string(), emoji: z.string(), action: z.enum(['added', 'removed']) })
    .optional()
    .describe('Present when the change was a reaction'),
});
export type MessageEvent = z.infer<typeof MessageEventSchema>;

export const TypingEventSchema = z.object({ chatId: z.string(), userId: z.string(), isTyping: z.boolean() });
export type TypingEvent = z.infer<typeof TypingEventSchema>;

export const ReceiptEventSchema = ReceiptSchema.extend({ chatId: z.string() });
export type ReceiptEvent = z.infer<typeof ReceiptEventSchema>;

export const PresenceSchema = z.object({
  userId: z.string(),
  online: z.boolean(),
  lastSeenAt: TimestampSchema.nullable(),
});
export type Presence = z.infer<typeof PresenceSchema>;

export const PresenceQuerySchema = z.strictObject({
  userIds: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(UserIdSchema).min(1).max(100)),
});

export const ChatUpdatedEventSchema = z.object({
  chatId: z.string(),
  kind: ChatKindSchema,
  title: z.string().nullable(),
  memberCount: z.number().int(),
});
export type ChatUpdatedEvent = z.infer<typeof ChatUpdatedEventSchema>;

export const MemberAddedEventSchema = z.object({ chatId: z.string(), member: MemberSchema });
export type MemberAddedEvent = z.infer<typeof MemberAddedEventSchema>;
export const MemberRemovedEventSchema = z.object({ chatId: z.string(), userId: z.string() });
export type MemberRemovedEvent = z.infer<typeof MemberRemovedEventSchema>;

/** Server → client events and their payloads. */
export const SERVER_EVENTS = {
  /** To every socket in the chat but the one that sent it, whose ack carries the message. */
  'message:new': MessageEventSchema,
  'message:updated': MessageEventSchema,
  'message:deleted': MessageEventSchema,
  typing: TypingEventSchema,
  receipt: ReceiptEventSchema,
  presence: PresenceSchema,
  'chat:updated': ChatUpdatedEventSchema,
  'member:added': MemberAddedEventSchema,
  'member:removed': MemberRemovedEventSchema,
} as const;
export type ServerEventName = keyof typeof SERVER_EVENTS;
// SERVER_EVENT_NAMES (zod-free, for browser bundles) names exactly the events of SERVER_EVENTS.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _serverEventNamesMatch: SameKeys<ServerEventName, (typeof SERVER_EVENT_NAMES)[number]> = true;
export type ServerEventPayload<E extends ServerEventName> = z.output<(typeof SERVER_EVENTS)[E]>;

/** socket.io's typed event maps, for `Server<ClientToServerEvents, ServerToClientEvents>` and `Socket` clients. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (
    payload: ClientEventInput<E>,
    ack: (reply: Ack<ClientEventResult<E>>) => void,
  ) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

/** `connect_error` carries `data.code` saying why the handshake failed. */
export interface HandshakeErrorData {
  code: z.infer<typeof ErrorCodeSchema>;
}
