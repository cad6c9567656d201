import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuid7 } from '@parley/db';
import { FANOUT_CHUNK } from '@parley/push';
import { createTenant, type TestTenant } from '../factories/tenants.js';
import { fastQueues } from '../support/fast-queues.js';
import { Receiver } from '../support/receiver.js';
import { eventually } from '../support/socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FakeBrowserSubscription } from '../support/web-push-client.js';

const MEMBERS = 2 * FANOUT_CHUNK + 500;
const member = (i: number) => `m${String(i).padStart(5, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fan-out of a large group', () => {
  let app: TestApp;
  let pushService: Receiver;
  let tenant: TestTenant;
  let chatId: string;
  // Devices on both sides of each chunk boundary, the sender's, and one of a member who muted the chat.
  const withDevice = [0, 1, 998, 999, 1000, 1001, 1500, 1999, 2000, 2001, 2498, 2499];
  const muted = 1500;

  beforeAll(async () => {
    pushService = await new Receiver().start();
    pushService.respond = () => ({ status: 201 });
    app = await startTestApp({ env: { PARLEY_ALLOW_PRIVATE_URLS: 'on' }, overrides: [fastQueues] });
    tenant = await createTenant(app);
    chatId = uuid7();
    // Users, the group and its members are inserted as the API would have written them.
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO users (tenant_id, id, name) SELECT $1, 'm' || lpad(i::text, 5, '0'), 'Member ' || i
         FROM generate_series(0, $2 - 1) AS i`,
        [tenant.id, MEMBERS],
      );
      await db.query(
        `INSERT INTO chats (tenant_id, id, kind, title, member_count) VALUES ($1, $2, 'group', 'Everyone', $3)`,
        [tenant.id, chatId, MEMBERS],
      );
      await db.query(
        `INSERT INTO chat_members (tenant_id, chat_id, user_id, role)
         SELECT $1, $2, 'm' || lpad(i::text, 5, '0'), 'member' FROM generate_series(0, $3 - 1) AS i`,
        [tenant.id, chatId, MEMBERS],
      );
      await db.query(
        `UPDATE chat_members SET muted_until = now() + interval '1 day' WHERE tenant_id = $1 AND user_id = $2`,
        [tenant.id, member(muted)],
      );
    } finally {
      await db.end();
    }
    for (const i of withDevice) {
      const subscription = new FakeBrowserSubscription(`${pushService.url}/push/${member(i)}`);
      const reply = await tenant.server(member(i))('POST', '/v1/devices', {
        kind: 'webpush',
        subscription: subscription.toJSON(),
      });
      expect(reply.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await pushService?.stop();
  });

  it('walks the members in keyset chunks: each offline, unmuted member but the sender is pushed exactly once', async () => {
    const sent = await tenant.server(member(0))('POST', `/v1/chats/${chatId}/messages`, {
      clientId: 'big-1',
      text: 'Hello everyone',
    });
    expect(sent.status).toBe(201);
    const expected = withDevice.filter((i) => i !== 0 && i !== muted).map((i) => `/push/${member(i)}`);
    await eventually(() => pushService.requests.length >= expected.length, 15_000);
    await sleep(500);
    expect(pushService.requests.map((r) => r.url).sort()).toEqual(expected.sort());
  });
});
