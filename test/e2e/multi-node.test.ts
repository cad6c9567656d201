import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { startCluster, type ApiProcess, type Cluster } from '../support/api-process.js';
import { TEST_ADMIN_TOKEN } from '../support/environment.js';
import { request } from '../support/http.js';
import { collect, connectSocket, emitAck, eventually, type ClientSocket } from '../support/socket.js';

/** Two API processes on one Postgres and one Redis, as a scaled-out install runs. */
describe('several API nodes', () => {
  let cluster: Cluster;
  let node1: ApiProcess;
  let node2: ApiProcess;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2);
    [node1, node2] = cluster.nodes as [ApiProcess, ApiProcess];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.stop();
  });

  it('lets users on different nodes chat, type, read, see each other online, and notices a dead node', async () => {
    const created = await request(node1.baseUrl, 'POST', '/v1/tenants', {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: { name: 'Cluster' },
    });
    const { publishableKey, secretKey } = created.body;
    const sk = { authorization: `Bearer ${secretKey}` };
    for (const id of ['north', 'south'])
      await request(node1.baseUrl, 'PUT', `/v1/users/${id}`, { headers: sk, body: {} });
    const chat = await request(node2.baseUrl, 'POST', '/v1/chats', {
      headers: sk,
      body: { kind: 'direct', members: ['north', 'south'] },
    });
    const chatId = chat.body.id as string;
    const token = async (userId: string) =>
      (await request(node1.baseUrl, 'POST', `/v1/users/${userId}/tokens`, { headers: sk, body: {} })).body
        .token as string;

    const north = await connectSocket(node1.baseUrl, { apiKey: publishableKey, token: await token('north') });
    sockets.push(north);
    const northPresence = collect(north, 'presence');
    const northTyping = collect(north, 'typing');
    const northReceipts = collect(north, 'receipt');
    const south = await connectSocket(node2.baseUrl, { apiKey: publishableKey, token: await token('south') });
    sockets.push(south);
    const southNews = collect(south, 'message:new');

    await eventually(() => expect(northPresence.at(-1)).toMatchObject({ userId: 'south', online: true }));
    const presence = await request(node1.baseUrl, 'GET', '/v1/presence?userIds=north,south', { headers: sk });
    expect(presence.body.data.map((p: { online: boolean }) => p.online)).toEqual([true, true]);

    const sent = await emitAck(north, 'message:send', { chatId, clientId: 'n1', text: 'across nodes' });
    expect(sent.ok).toBe(true);
    await eventually(() =>
      expect(southNews.map((e) => e.message)).toEqual([(sent as { data: Message }).data]),
    );

    await emitAck(south, 'typing', { chatId, isTyping: true });
    await eventually(() => expect(northTyping).toEqual([{ chatId, userId: 'south', isTyping: true }]));
    const seq = (sent as { data: Message }).data.seq;
    expect(await emitAck(south, 'read', { chatId, seq })).toMatchObject({ ok: true, data: { readSeq: seq } });
    await eventually(() =>
      expect(northReceipts.at(-1)).toMatchObject({ chatId, userId: 'south', readSeq: seq }),
    );

    // REST sends on node 2 reach north on node 1, once each and in order. (The event may arrive
    // before or after the REST answer: it is published when the message commits.)
    const northNews = collect(north, 'message:new');
    for (const [clientId, text] of [
      ['s1', 'back at you'],
      ['s2', 'and again'],
    ]) {
      await request(node2.baseUrl, 'POST', `/v1/chats/${chatId}/messages`, {
        headers: { ...sk, 'x-on-behalf-of': 'south' },
        body: { clientId, text },
      });
    }
    await eventually(() =>
      expect(northNews.map((e) => e.message.text)).toEqual(['back at you', 'and again']),
    );

    // Node 2 dies without any chance to clean up: its user goes offline within 30 s.
    const killedAt = Date.now();
    await node2.stop('SIGKILL');
    await eventually(
      () => expect(northPresence.at(-1)).toMatchObject({ userId: 'south', online: false }),
      30_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    const after = await request(node1.baseUrl, 'GET', '/v1/presence?userIds=south', { headers: sk });
    expect(after.body.data[0]).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
  }, 90_000);
});
