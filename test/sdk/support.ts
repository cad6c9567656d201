import { expect } from 'vitest';
import { ParleyClient, type ParleyClientOptions, type ParleyChat } from '@parley/sdk';
import type { Message } from '@parley/protocol';
import type { TestTenant } from '../factories/tenants.js';
import { eventually as waitUntil } from '../support/socket.js';

/** Quick reconnects, so that tests do not wait out production backoff. */
export const FAST_RECONNECT = { initialDelayMs: 50, maxDelayMs: 400 };

export function newClient(baseUrl: string, tenant: TestTenant, options: Partial<ParleyClientOptions> = {}) {
  return new ParleyClient({
    baseUrl,
    apiKey: tenant.publishableKey,
    reconnect: FAST_RECONNECT,
    sendRetry: FAST_RECONNECT,
    deliveredDelayMs: 50,
    gapGraceMs: 200,
    ...options,
  });
}

/** The whole history of a chat as the user sees it over REST, ascending by seq. */
export async function serverHistory(tenant: TestTenant, userId: string, chatId: string): Promise<Message[]> {
  const call = await tenant.user(userId, { upsert: false });
  const all: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await call('GET', `/v1/chats/${chatId}/messages?after=${after}&limit=100`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    all.push(...(page.body.data as Message[]));
    if (!page.body.nextCursor) return all;
    after = Number(page.body.nextCursor);
  }
}

/** The server's fields of a message (what must match), without the SDK's own. */
export function wire(message: Message): Message {
  const { id, chatId, seq, version, senderId, clientId, kind, text, attachments, replyTo, reactions } =
    message;
  const { createdAt, editedAt, deletedAt } = message;
  return {
    id,
    chatId,
    seq,
    version,
    senderId,
    clientId,
    kind,
    text,
    attachments,
    replyTo,
    reactions,
    createdAt,
    editedAt,
    deletedAt,
  };
}

/** Asserts that the chat's loaded messages are exactly the server's, field for field. */
export async function expectSameAsServer(
  chat: ParleyChat,
  tenant: TestTenant,
  userId: string,
): Promise<void> {
  const server = await serverHistory(tenant, userId, chat.id);
  const local = chat.getState().messages;
  expect(local.map(wire)).toEqual(server);
  expect(new Set(local.map((m) => m.key)).size).toBe(local.length);
}

/** `eventually` with the longer default bound a client's catch-up needs. */
export const eventually = <T>(check: () => T | Promise<T>, timeoutMs = 10_000) => waitUntil(check, timeoutMs);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
