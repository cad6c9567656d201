import {
  AddMembersBodySchema,
  AttachmentSchema,
  ChangesSchema,
  ChatSchema,
  CreateChatBodySchema,
  CreateGuestBodySchema,
  CreateTenantBodySchema,
  CreateWebhookBodySchema,
  DeviceSchema,
  EditMessageBodySchema,
  FcmCredentialsBodySchema,
  FcmCredentialsSchema,
  GuestSchema,
  MemberSchema,
  MessageSchema,
  MintTokenBodySchema,
  PresenceSchema,
  ProblemSchema,
  ReadBodySchema,
  ReceiptSchema,
  RegisterDeviceBodySchema,
  RotatedKeySchema,
  SearchHitSchema,
  SendMessageBodySchema,
  TenantCreatedSchema,
  TenantSchema,
  UpdateChatBodySchema,
  UpdateMemberBodySchema,
  UpdateTenantBodySchema,
  UpdateWebhookBodySchema,
  UpsertUserBodySchema,
  UserSchema,
  UserTokenSchema,
  VapidKeySchema,
  WebhookCreatedSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  TenantSettingsSchema,
  type Message,
  type Webhook,
} from '@parley/protocol';
import type { z } from 'zod';

let examples: Map<z.ZodType, unknown> | undefined;

/**
 * One example per protocol schema, shown by the console and pre-filled in "Try it out". Each is typed
 * by its schema and parsed by it when a document is built (never at boot), so an example cannot fall
 * behind the contract.
 */
export function protocolExamples(): Map<z.ZodType, unknown> {
  examples ??= collectExamples();
  return examples;
}

function collectExamples(): Map<z.ZodType, unknown> {
  const found = new Map<z.ZodType, unknown>();
  const add = <T>(schema: z.ZodType, value: T): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new Error(`An example in libs/openapi/src/examples.ts does not parse: ${parsed.error.message}`);
    found.set(schema, value);
    return value;
  };
  /** What Parley answers: typed as the schema's output. */
  const answer = <S extends z.ZodType>(schema: S, value: z.output<S>): z.output<S> => add(schema, value);
  /** What a client sends: typed as the schema's input. */
  const send = <S extends z.ZodType>(schema: S, value: z.input<S>): void => void add(schema, value);

  const AT = '2025-05-06T09:30:00.000Z';
  const LATER = '2025-05-06T09:31:12.000Z';
  const TENANT_ID = '0196a4e1-2b3c-7d4e-8f50-61a2b3c4d5e6';
  const CHAT_ID = '0196a4e2-7f10-7a21-9b32-c4d5e6f70819';
  const MESSAGE_ID = '0196a4e3-0a1b-7c2d-8e3f-405162738495';
  const KEY_ID = '0196a4e1-2b3c-7d4e-8f50-61a2b3c4d5e7';

  answer(ProblemSchema, {
    type: 'urn:parley:error:not_found',
    title: 'Not found',
    status: 404,
    detail: `Chat ${CHAT_ID} not found`,
    code: 'not_found',
    requestId: '3f1c9a70-5d2e-4b8f-9c61-0e7a2b4d8f13',
  });

  // Tenants and keys
  send(CreateTenantBodySchema, { name: 'Acme', allowedOrigins: ['https://app.acme.example'] });
  send(UpdateTenantBodySchema, {
    allowedOrigins: ['https://app.acme.example', 'https://*.acme.example'],
    guestAccess: false,
    limits: { messagesPerSecond: 20 },
  });
  answer(TenantCreatedSchema, {
    id: TENANT_ID,
    name: 'Acme',
    publishableKey: 'pk_Yk3vQ9xN2mL7pR4tW8zB1cD5',
    secretKey: 'sk_h7Kq2WvN9xLm4RtP8zYb3Cd6Fg1Jk5Ms0QeUaXoI',
  });
  answer(TenantSchema, {
    id: TENANT_ID,
    name: 'Acme',
    publishableKey: 'pk_Yk3vQ9xN2mL7pR4tW8zB1cD5',
    // Every settings group has defaults: the example shows them, whatever groups there are.
    settings: TenantSettingsSchema.parse({
      ...Object.fromEntries(Object.keys(TenantSettingsSchema.shape).map((group) => [group, {}])),
      allowedOrigins: ['https://app.acme.example'],
      guestAccess: false,
    }),
    secretKeys: [{ id: KEY_ID, last4: 'aXoI', createdAt: AT }],
    createdAt: AT,
  });
  answer(RotatedKeySchema, {
    id: '0196a4f0-11aa-7b22-8c33-d44e55f66a77',
    secretKey: 'sk_P3nR8sT1vW6yZ0bD4fH7jK2mN5qS9uX3wA6cE8gI',
    createdAt: LATER,
  });

  // Users
  send(UpsertUserBodySchema, {
    name: 'Alice Liddell',
    avatarUrl: 'https://cdn.acme.example/avatars/alice.png',
    metadata: { plan: 'pro' },
  });
  answer(UserSchema, {
    id: 'alice',
    name: 'Alice Liddell',
    avatarUrl: 'https://cdn.acme.example/avatars/alice.png',
    metadata: { plan: 'pro' },
    createdAt: AT,
  });
  send(MintTokenBodySchema, { expiresIn: 3600 });
  answer(UserTokenSchema, {
    token:
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTc0NjUyMzgwMCwiZXhwIjoxNzQ2NTI3NDAwfQ.c2lnbmF0dXJl',
    expiresAt: '2025-05-06T10:30:00.000Z',
  });
  send(CreateGuestBodySchema, { name: 'Visitor' });
  answer(GuestSchema, {
    userId: 'guest-3f9a1c0d7e2b4a6c8d1e',
    name: 'Visitor',
    token:
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndWVzdC0zZjlhMWMwZDdlMmI0YTZjOGQxZSIsImlhdCI6MTc0NjUyMzgwMCwiZXhwIjoxNzQ3MTI4NjAwfQ.c2lnbmF0dXJl',
    expiresAt: '2025-05-13T09:30:00.000Z',
  });

  // Chats and members
  send(CreateChatBodySchema, { kind: 'direct', members: ['alice', 'bob'] });
  send(UpdateChatBodySchema, { title: 'Launch team' });
  send(AddMembersBodySchema, { members: ['carol', 'dave'], role: 'member' });
  send(UpdateMemberBodySchema, { role: 'admin' });
  const member = answer(MemberSchema, {
    userId: 'alice',
    role: 'owner',
    deliveredSeq: 42,
    readSeq: 41,
    joinedAt: AT,
  });

  // Messages
  send(SendMessageBodySchema, { clientId: 'c-5f2b9e', text: 'Hi Bob! Lunch at noon?' });
  send(EditMessageBodySchema, { text: 'Hi Bob! Lunch at one?' });
  const message: Message = answer(MessageSchema, {
    id: MESSAGE_ID,
    chatId: CHAT_ID,
    seq: 42,
    version: 45,
    senderId: 'alice',
    clientId: 'c-5f2b9e',
    kind: 'text',
    text: 'Hi Bob! Lunch at noon?',
    attachments: [],
    replyTo: null,
    reactions: { '👍': { count: 1, me: false } },
    createdAt: AT,
    editedAt: null,
    deletedAt: null,
  });
  answer(ChatSchema, {
    id: CHAT_ID,
    kind: 'direct',
    title: null,
    memberCount: 2,
    version: 45,
    lastSeq: 42,
    lastMessage: message,
    unread: 1,
    directMembers: ['alice', 'bob'],
    membership: member,
    createdAt: AT,
    lastMessageAt: AT,
  });
  answer(ChangesSchema, { data: [message], version: 45, hasMore: false });
  send(ReadBodySchema, { seq: 42 });
  answer(ReceiptSchema, { userId: 'bob', deliveredSeq: 42, readSeq: 42 });
  answer(PresenceSchema, { userId: 'bob', online: false, lastSeenAt: LATER });
  answer(SearchHitSchema, {
    message,
    highlight: { text: message.text!, matches: [{ start: 8, end: 13 }] },
  });

  answer(AttachmentSchema, {
    id: '0196a4e4-1b2c-7d3e-8f40-5a6b7c8d9e0f',
    name: 'menu.png',
    mime: 'image/png',
    size: 48213,
    width: 800,
    height: 600,
    url: `https://chat.acme.example/v1/files/0196a4e4-1b2c-7d3e-8f40-5a6b7c8d9e0f?tenant=${TENANT_ID}&exp=1746527400&sig=Qm9vbV9zaWduYXR1cmVfZXhhbXBsZV9vbmx5XzQzY2g`,
    thumbnailUrl: `https://chat.acme.example/v1/files/0196a4e4-1b2c-7d3e-8f40-5a6b7c8d9e0f/thumbnail?tenant=${TENANT_ID}&exp=1746527400&sig=Qm9vbV9zaWduYXR1cmVfZXhhbXBsZV9vbmx5XzQzY2g`,
  });

  // Push
  send(RegisterDeviceBodySchema, { kind: 'fcm', token: 'dQw4w9WgXcQ:APA91bH-example-registration-token' });
  answer(DeviceSchema, {
    id: '0196a4f2-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
    userId: 'alice',
    kind: 'fcm',
    token: 'dQw4w9WgXcQ:APA91bH-example-registration-token',
    createdAt: AT,
  });
  answer(VapidKeySchema, {
    publicKey: 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U',
  });
  send(FcmCredentialsBodySchema, {
    serviceAccount: {
      type: 'service_account',
      project_id: 'acme-chat',
      client_email: 'firebase-adminsdk@acme-chat.iam.gserviceaccount.com',
      private_key: '-----BEGIN PRIVATE KEY-----\nMIIEv…\n-----END PRIVATE KEY-----\n',
    },
  });
  answer(FcmCredentialsSchema, {
    projectId: 'acme-chat',
    clientEmail: 'firebase-adminsdk@acme-chat.iam.gserviceaccount.com',
    updatedAt: AT,
  });

  // Webhooks
  send(CreateWebhookBodySchema, {
    url: 'https://hooks.acme.example/parley',
    events: ['message.new', 'member.added'],
  });
  send(UpdateWebhookBodySchema, { status: 'active' });
  const webhook: Webhook = answer(WebhookSchema, {
    id: '0196a4f3-4d5e-7f60-8172-839405a6b7c8',
    url: 'https://hooks.acme.example/parley',
    events: ['message.new', 'member.added'],
    status: 'active',
    disabledReason: null,
    disabledAt: null,
    lastSuccessAt: LATER,
    createdAt: AT,
  });
  answer(WebhookCreatedSchema, {
    ...webhook,
    lastSuccessAt: null,
    secret: 'whsec_4sN8qT2vX6zB0dF3hJ7kM1pR5uW9yA',
  });
  answer(WebhookDeliverySchema, {
    id: '0196a4f4-5e6f-7a81-9203-a4b5c6d7e8f9',
    eventId: '0196a4f4-5e6f-7a81-9203-a4b5c6d7e8fa',
    type: 'message.new',
    status: 'delivered',
    attempts: 1,
    lastStatusCode: 204,
    lastError: null,
    createdAt: AT,
    lastAttemptAt: AT,
    deliveredAt: AT,
  });
  return found;
}
