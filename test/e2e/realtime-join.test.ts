import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatRoom, userRoom } from '@parley/fanout';
import { RealtimeGateway } from '../../libs/realtime/src/realtime.gateway.js';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { connectSocket, type ClientSocket } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('realtime: rooms at connect', () => {
  let app: TestApp;
  let tenant: TestTenant;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    for (const socket of open) socket.close();
    await app?.close();
  });

  // A client catches up after `connect` and relies on live events from then on: an event sent to its
  // chats between the two must reach it, so the socket must already be in their rooms.
  it('has a socket in its user and chat rooms by the time its client sees connect', async () => {
    await upsertUser(tenant.server(), 'rho');
    await upsertUser(tenant.server(), 'sia');
    const chat = await tenant.server()('POST', '/v1/chats', { kind: 'direct', members: ['rho', 'sia'] });
    const namespace = (
      app.app.get(RealtimeGateway) as unknown as {
        namespace: { sockets: Map<string, { rooms: Set<string> }> };
      }
    ).namespace;
    const tenantId = tenant.id as Parameters<typeof chatRoom>[0];
    for (let i = 0; i < 20; i++) {
      const socket = await connectSocket(app.baseUrl, {
        apiKey: tenant.publishableKey,
        token: await tenant.token('rho'),
      });
      open.push(socket);
      // Checked in the same tick as the client's `connect`.
      const rooms = namespace.sockets.get(socket.id!)?.rooms;
      expect(rooms, `socket ${i}`).toBeDefined();
      expect([...rooms!]).toEqual(
        expect.arrayContaining([userRoom(tenantId, 'rho'), chatRoom(tenantId, chat.body.id)]),
      );
    }
  });
});
