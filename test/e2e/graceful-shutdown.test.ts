import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { startCluster, type ApiProcess, type Cluster } from '../support/api-process.js';
import { TEST_ADMIN_TOKEN } from '../support/environment.js';
import { request } from '../support/http.js';
import { connectSocket, emitAck, type ClientSocket } from '../support/socket.js';

/** SIGTERM on a node under load: acked sends are stored, nothing doubles, clients move to another node. */
describe('graceful shutdown', () => {
  let cluster: Cluster;
  let staying: ApiProcess;
  let leaving: ApiProcess;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2);
    [staying, leaving] = cluster.nodes as [ApiProcess, ApiProcess];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.stop();
  });

  it('finishes in-flight sends, closes its sockets, exits, and loses or doubles nothing', async () => {
    const tenant = (
      await request(staying.baseUrl, 'POST', '/v1/tenants', {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: { name: 'T' },
      })
    ).body;
    const sk = { authorization: `Bearer ${tenant.secretKey}` };
    await request(staying.baseUrl, 'PUT', '/v1/users/sender', { headers: sk, body: {} });
    const chatId = (
      await request(staying.baseUrl, 'POST', '/v1/chats', {
        headers: sk,
        body: { kind: 'group', members: ['sender'] },
      })
    ).body.id as string;
    const token = (
      await request(staying.baseUrl, 'POST', '/v1/users/sender/tokens', { headers: sk, body: {} })
    ).body.token as string;
    const auth = { apiKey: tenant.publishableKey, token };

    const onLeaving = await connectSocket(leaving.baseUrl, auth);
    sockets.push(onLeaving);
    const disconnected = new Promise<string>((resolve) =>
      onLeaving.once('disconnect', (reason) => resolve(reason)),
    );

    const total = 300;
    const acked = new Map<string, Message>();
    const unacked: string[] = [];
    let next = 0;
    let stopping: Promise<number | null> | null = null;
    const sendLoop = async () => {
      while (next < total) {
        const clientId = `m-${next++}`;
        if (next === 60) stopping = leaving.stop('SIGTERM');
        if (!onLeaving.connected) {
          unacked.push(clientId);
          continue;
        }
        try {
          const reply = await emitAck(onLeaving, 'message:send', { chatId, clientId, text: clientId }, 3_000);
          if (reply.ok) acked.set(clientId, reply.data);
          else unacked.push(clientId);
        } catch {
          // No ack (the connection closed first): the client does not know, so it must retry.
          unacked.push(clientId);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, sendLoop));
    expect(stopping).not.toBeNull();
    expect(await stopping, leaving.output().slice(-3000)).toBe(0);
    expect(['io server disconnect', 'transport close']).toContain(await disconnected);
    expect(acked.size).toBeGreaterThan(0);
    expect(unacked.length).toBeGreaterThan(0);

    // The client moves to the other node and retries what was not acknowledged, with the same clientIds.
    const onStaying = await connectSocket(staying.baseUrl, auth);
    sockets.push(onStaying);
    for (const clientId of unacked) {
      const reply = await emitAck(onStaying, 'message:send', { chatId, clientId, text: clientId });
      expect(reply, clientId).toMatchObject({ ok: true });
    }

    const stored: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await request(
        staying.baseUrl,
        'GET',
        `/v1/chats/${chatId}/messages?after=${after}&limit=100`,
        { headers: sk },
      );
      stored.push(...page.body.data);
      if (!page.body.nextCursor) break;
      after = Number(page.body.nextCursor);
    }
    const byClientId = new Map(stored.map((m) => [m.clientId!, m]));
    expect(stored).toHaveLength(total);
    expect(byClientId.size).toBe(total);
    for (const [clientId, message] of acked) expect(byClientId.get(clientId)).toEqual(message);
  }, 90_000);
});
