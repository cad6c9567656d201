import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, type Message } from '@parley/protocol';
import { expectEveryRouteCovered } from '../factories/routes.js';
import { TenantState } from '../factories/tenant-state.js';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { multipartBody, uploadFile, type MultipartPart } from '../factories/uploads.js';
import type { Reply } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * DESIGN.md "Tenancy and authentication": a request authenticated for tenant B can never read,
 * write or list anything of tenant A. Every route the app registers is in ROUTES (a test fails
 * otherwise), and each is called with each of B's credentials in ATTACKERS, aimed at A's data.
 */

/** A word found only in tenant A's content: names, titles, texts, URLs. */
const MARK = `zq${randomUUID().replaceAll('-', '').slice(0, 12)}`;
/** An FCM token both tenants' users register: the same token is a different device in each tenant. */
const SHARED_FCM_TOKEN = `fcm-token-${randomUUID()}`;

/**
 * B's ways in, per the brief of DESIGN.md: its secret key; its secret key acting for a user id that
 * exists only in A; its publishable key with a token of B's user whose id is also one of A's; an A
 * user's token with B's publishable key; B's secret key beside A's publishable key.
 */
const ATTACKERS = [
  'b-secret',
  'b-secret-as-a-only-user',
  'b-user-with-a-user-id',
  'a-token-with-b-key',
  'b-secret-with-a-key',
] as const;
type Attacker = (typeof ATTACKERS)[number];

/** `ok`: a 2xx that shows nothing of A; otherwise the problem code expected. */
type Outcome = 'ok' | ErrorCode;

interface World {
  a: TestTenant;
  b: TestTenant;
  /** A's group (alice owner, bob, carol) and A's direct chat (alice, bob). */
  group: string;
  direct: string;
  /** alice's message in A's group, and bob's, which alice reacted to with `heart`. */
  message: string;
  reacted: string;
  /** An image alice sent in A's group (it has a thumbnail). */
  image: string;
  imageUrl: string;
  keyId: string;
  webhook: string;
  device: string;
  /** Headers of each attacker. */
  credentials: Record<Attacker, Record<string, string>>;
  /** Strings that must never reach B: A's ids, keys and the marker of A's content. */
  secrets: string[];
}

interface ProbeRequest {
  path: string;
  body?: unknown;
  multipart?: MultipartPart[];
}

interface Probe {
  label?: string;
  request: (w: World) => ProbeRequest;
  /** B's secret key alone (server and tenant routes). */
  asBackend?: Outcome;
  /** B's publishable key and the token of B's `alice`, whose id A has too (tenant routes). */
  asUser?: Outcome;
  /** More checks of a 2xx answer. */
  check?: (body: any, w: World) => void;
}

interface RouteCase {
  /** `METHOD /path/:param`, as Express registered it. */
  route: string;
  /** As the route declares it with `@Access` (`tenant` when it declares nothing). */
  access: 'public' | 'operator' | 'server' | 'tenant' | 'publishable';
  probes: Probe[];
}

const PNG_BYTES = await sharp({
  create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 30, b: 30 } },
})
  .png()
  .toBuffer();

const serviceAccount = (projectId: string) => ({
  type: 'service_account',
  project_id: projectId,
  client_email: `push@${projectId}.iam.gserviceaccount.com`,
  private_key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});

const ROUTES: RouteCase[] = [
  // ---- operator and public routes: no tenant credentials open or matter to them ----------------
  {
    route: 'POST /v1/tenants',
    access: 'operator',
    probes: [{ request: () => ({ path: '/v1/tenants', body: { name: 'Intruder' } }) }],
  },
  { route: 'GET /v1/tenants', access: 'operator', probes: [{ request: () => ({ path: '/v1/tenants' }) }] },
  { route: 'GET /healthz', access: 'public', probes: [{ request: () => ({ path: '/healthz' }) }] },
  { route: 'GET /readyz', access: 'public', probes: [{ request: () => ({ path: '/readyz' }) }] },
  { route: 'GET /metrics', access: 'public', probes: [{ request: () => ({ path: '/metrics' }) }] },
  // The widget script is the same bytes for everyone (test/e2e/widget-host.test.ts compares ETags).
  { route: 'GET /widget.js', access: 'public', probes: [{ request: () => ({ path: '/widget.js' }) }] },

  // ---- the tenant's own settings: B's secret key only ever reaches B's ---------------------------
  {
    route: 'GET /v1/tenant',
    access: 'server',
    probes: [
      {
        request: () => ({ path: '/v1/tenant' }),
        asBackend: 'ok',
        check: (body, w) => expect(body.id).toBe(w.b.id),
      },
    ],
  },
  {
    route: 'PATCH /v1/tenant',
    access: 'server',
    probes: [{ request: () => ({ path: '/v1/tenant', body: { guestAccess: false } }), asBackend: 'ok' }],
  },
  {
    route: 'POST /v1/tenant/keys/rotate',
    access: 'server',
    probes: [{ request: () => ({ path: '/v1/tenant/keys/rotate' }), asBackend: 'ok' }],
  },
  {
    route: 'DELETE /v1/tenant/keys/:keyId',
    access: 'server',
    probes: [{ request: (w) => ({ path: `/v1/tenant/keys/${w.keyId}` }), asBackend: 'not_found' }],
  },
  {
    route: 'PUT /v1/tenant/push/fcm',
    access: 'server',
    probes: [
      {
        request: () => ({
          path: '/v1/tenant/push/fcm',
          body: { serviceAccount: serviceAccount('tenant-b-push') },
        }),
        asBackend: 'ok',
      },
    ],
  },
  {
    route: 'GET /v1/tenant/push/fcm',
    access: 'server',
    probes: [
      {
        request: () => ({ path: '/v1/tenant/push/fcm' }),
        asBackend: 'ok',
        check: (body) => expect(body.projectId).toBe('tenant-b-push'),
      },
    ],
  },
  {
    route: 'DELETE /v1/tenant/push/fcm',
    access: 'server',
    probes: [{ request: () => ({ path: '/v1/tenant/push/fcm' }), asBackend: 'ok' }],
  },

  // ---- users: ids are the tenant's own; `carol` exists in A only, `alice` in both ---------------
  {
    route: 'PUT /v1/users/:userId',
    access: 'server',
    // Lands on B's alice (written back as she was), never on A's.
    probes: [{ request: () => ({ path: '/v1/users/alice', body: { name: 'Alice of B' } }), asBackend: 'ok' }],
  },
  {
    route: 'GET /v1/users',
    access: 'tenant',
    probes: [
      {
        request: () => ({ path: '/v1/users?ids=alice,bob,carol' }),
        asBackend: 'ok',
        asUser: 'ok',
        check: (body) =>
          expect(body.data.map((u: { id: string; name: string }) => [u.id, u.name])).toEqual([
            ['alice', 'Alice of B'],
          ]),
      },
    ],
  },
  {
    route: 'GET /v1/users/:userId',
    access: 'tenant',
    probes: [{ request: () => ({ path: '/v1/users/carol' }), asBackend: 'not_found', asUser: 'not_found' }],
  },
  {
    route: 'DELETE /v1/users/:userId',
    access: 'server',
    probes: [{ request: () => ({ path: '/v1/users/carol' }), asBackend: 'not_found' }],
  },
  {
    route: 'POST /v1/users/:userId/tokens',
    access: 'server',
    // A token signed with B's key: it opens nothing of A (see "tokens B signs" below).
    probes: [{ request: () => ({ path: '/v1/users/carol/tokens', body: {} }), asBackend: 'ok' }],
  },
  {
    route: 'DELETE /v1/users/:userId/tokens',
    access: 'server',
    probes: [{ request: () => ({ path: '/v1/users/carol/tokens' }), asBackend: 'not_found' }],
  },
  {
    // B's visitors become B's guests: the guest suite shows a sign-up lands in the key's own tenant.
    route: 'POST /v1/guests',
    access: 'publishable',
    probes: [{ request: () => ({ path: '/v1/guests', body: { name: `Guest ${MARK}` } }) }],
  },

  // ---- chats -----------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats',
    access: 'tenant',
    probes: [
      {
        label: 'group with an A-only user',
        request: () => ({
          path: '/v1/chats',
          body: { kind: 'group', title: 'g', members: ['alice', 'carol'] },
        }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
      {
        label: 'direct with an A-only user',
        request: () => ({ path: '/v1/chats', body: { kind: 'direct', members: ['alice', 'bob'] } }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats',
    access: 'tenant',
    probes: [
      {
        request: () => ({ path: '/v1/chats' }),
        asBackend: 'ok',
        asUser: 'ok',
        check: (body) => expect(body.data.length).toBe(1),
      },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId',
    access: 'tenant',
    probes: [
      {
        label: 'group',
        request: (w) => ({ path: `/v1/chats/${w.group}` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
      {
        label: 'direct',
        request: (w) => ({ path: `/v1/chats/${w.direct}` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'PATCH /v1/chats/:chatId',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}`, body: { title: 'taken over' } }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },

  // ---- members ---------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/members',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({
          path: `/v1/chats/${w.group}/members`,
          body: { members: ['alice'], role: 'admin' },
        }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/members',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/members` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'PATCH /v1/chats/:chatId/members/:userId',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/members/bob`, body: { role: 'owner' } }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/members/:userId',
    access: 'tenant',
    probes: [
      // For B's alice this is "leave", which any member may do.
      {
        label: 'alice',
        request: (w) => ({ path: `/v1/chats/${w.group}/members/alice` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
      {
        label: 'bob',
        request: (w) => ({ path: `/v1/chats/${w.group}/members/bob` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },

  // ---- messages, changes, reactions ------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/messages',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({
          path: `/v1/chats/${w.group}/messages`,
          body: { clientId: 'intruder-1', text: 'hi' },
        }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
      {
        label: 'replying to A',
        request: (w) => ({
          path: `/v1/chats/${w.direct}/messages`,
          body: { clientId: 'intruder-2', text: 'hi', replyTo: w.message },
        }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/messages',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/messages` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
      {
        label: 'after 0',
        request: (w) => ({ path: `/v1/chats/${w.direct}/messages?after=0` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/changes',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/changes?since=0` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'PATCH /v1/chats/:chatId/messages/:messageId',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/messages/${w.message}`, body: { text: 'rewritten' } }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/messages/:messageId',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/messages/${w.message}` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'PUT /v1/chats/:chatId/messages/:messageId/reactions/:emoji',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/messages/${w.message}/reactions/heart` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/messages/:messageId/reactions/:emoji',
    access: 'tenant',
    probes: [
      // alice of A reacted with heart: B's alice must not take A's alice's reaction back.
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/messages/${w.reacted}/reactions/heart` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },

  // ---- receipts --------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/read',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/read`, body: {} }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/receipts',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/chats/${w.group}/receipts` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },

  // ---- files -----------------------------------------------------------------------------------
  {
    route: 'POST /v1/uploads',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({
          path: '/v1/uploads',
          multipart: [
            { name: 'chatId', value: w.group },
            { name: 'file', filename: 'note.txt', type: 'text/plain', content: 'planted' },
          ],
        }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/files/:fileId',
    access: 'tenant',
    probes: [
      { request: (w) => ({ path: `/v1/files/${w.image}` }), asBackend: 'not_found', asUser: 'not_found' },
    ],
  },
  {
    route: 'GET /v1/files/:fileId/thumbnail',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/files/${w.image}/thumbnail` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },

  // ---- search and presence ---------------------------------------------------------------------
  {
    route: 'GET /v1/search',
    access: 'tenant',
    probes: [
      {
        label: "A's words",
        request: () => ({ path: `/v1/search?q=${MARK}` }),
        asBackend: 'ok',
        asUser: 'ok',
        check: (body) => expect(body.data).toEqual([]),
      },
      {
        label: "in A's chat",
        request: (w) => ({ path: `/v1/search?q=${MARK}&chatId=${w.group}` }),
        asBackend: 'not_found',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/presence',
    access: 'tenant',
    probes: [
      {
        request: () => ({ path: '/v1/presence?userIds=alice,bob,carol' }),
        asBackend: 'ok',
        asUser: 'ok',
        check: (body) => expect(body.data.map((p: { userId: string }) => p.userId)).not.toContain('carol'),
      },
    ],
  },

  // ---- push ------------------------------------------------------------------------------------
  {
    route: 'POST /v1/devices',
    access: 'tenant',
    probes: [
      {
        // The token A's alice registered: in B it is B's alice's own device, and A's stays A's.
        request: () => ({ path: '/v1/devices', body: { kind: 'fcm', token: SHARED_FCM_TOKEN } }),
        asBackend: 'validation_failed',
        asUser: 'ok',
      },
    ],
  },
  {
    route: 'GET /v1/devices',
    access: 'tenant',
    probes: [
      {
        request: () => ({ path: '/v1/devices' }),
        // The backend acting as itself has no devices: it must name a user.
        asBackend: 'validation_failed',
        asUser: 'ok',
        check: (body) => expect(body.data).toHaveLength(1),
      },
    ],
  },
  {
    route: 'DELETE /v1/devices/:deviceId',
    access: 'tenant',
    probes: [
      {
        request: (w) => ({ path: `/v1/devices/${w.device}` }),
        asBackend: 'validation_failed',
        asUser: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/push/vapid-key',
    access: 'tenant',
    probes: [{ request: () => ({ path: '/v1/push/vapid-key' }), asBackend: 'ok', asUser: 'ok' }],
  },

  // ---- webhooks --------------------------------------------------------------------------------
  {
    route: 'POST /v1/webhooks',
    access: 'server',
    probes: [
      {
        request: () => ({
          path: '/v1/webhooks',
          body: { url: 'http://127.0.0.1:9/b-hook', events: ['member.removed'] },
        }),
        asBackend: 'ok',
      },
    ],
  },
  {
    route: 'GET /v1/webhooks',
    access: 'server',
    probes: [
      {
        request: () => ({ path: '/v1/webhooks' }),
        asBackend: 'ok',
        check: (body) =>
          expect(body.data.map((h: { url: string }) => h.url)).toEqual(['http://127.0.0.1:9/b-hook']),
      },
    ],
  },
  {
    route: 'GET /v1/webhooks/:webhookId',
    access: 'server',
    probes: [{ request: (w) => ({ path: `/v1/webhooks/${w.webhook}` }), asBackend: 'not_found' }],
  },
  {
    route: 'PATCH /v1/webhooks/:webhookId',
    access: 'server',
    probes: [
      {
        request: (w) => ({ path: `/v1/webhooks/${w.webhook}`, body: { status: 'disabled' } }),
        asBackend: 'not_found',
      },
    ],
  },
  {
    route: 'DELETE /v1/webhooks/:webhookId',
    access: 'server',
    probes: [{ request: (w) => ({ path: `/v1/webhooks/${w.webhook}` }), asBackend: 'not_found' }],
  },
  {
    route: 'GET /v1/webhooks/:webhookId/deliveries',
    access: 'server',
    probes: [{ request: (w) => ({ path: `/v1/webhooks/${w.webhook}/deliveries` }), asBackend: 'not_found' }],
  },
];

/** What each attacker gets on a route, by its access level; route-specific answers come from the probe. */
function expectedOutcome(access: RouteCase['access'], probe: Probe, attacker: Attacker): Outcome {
  const specific = (outcome: Outcome | undefined, what: string): Outcome => {
    if (outcome === undefined) throw new Error(`probe ${probe.label ?? ''} lacks ${what}`);
    return outcome;
  };
  if (access === 'public') return 'ok';
  if (access === 'operator') return 'unauthenticated';
  // Every attacker sends Authorization, which the publishable key's own routes refuse outright.
  if (access === 'publishable') return 'unauthenticated';
  switch (attacker) {
    case 'b-secret':
      return specific(probe.asBackend, 'asBackend');
    case 'b-secret-as-a-only-user':
      // The acting user must exist in the key's tenant.
      return 'not_found';
    case 'b-user-with-a-user-id':
      return access === 'server' ? 'forbidden' : specific(probe.asUser, 'asUser');
    case 'a-token-with-b-key':
      // A user token never opens a server route; elsewhere, A's signature does not verify with B's keys.
      return access === 'server' ? 'forbidden' : 'unauthenticated';
    case 'b-secret-with-a-key':
      return 'unauthenticated';
  }
}

const describeAnswer = (reply: Reply): string => {
  if (reply.status >= 200 && reply.status < 300) return '2xx';
  const problem = (reply.headers.get('content-type') ?? '').includes('application/problem+json');
  return `${reply.status} ${reply.body?.code}${problem ? '' : ' (not problem+json)'}`;
};

const expectedAnswer = (outcome: Outcome): string =>
  outcome === 'ok' ? '2xx' : `${ERRORS[outcome].status} ${outcome}`;

/** Signed download URLs expire on a five-minute step: they are left out of comparisons. */
const withoutSignatures = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value)
      .replace(/exp=\d+/g, 'exp=_')
      .replace(/sig=[\w-]+/g, 'sig=_'),
  );

describe('tenant isolation: B never reaches A', () => {
  let app: TestApp;
  let dataDir: string;
  let state: TenantState;
  let w: World;
  let aliceOfA: Call;
  let before: unknown;

  /** Everything of tenant A that any route could show or change, read as A. */
  async function snapshotOfA(): Promise<unknown> {
    const server = w.a.server();
    const read = async (call: Call, path: string) => {
      const reply = await call('GET', path);
      return { status: reply.status, body: reply.body };
    };
    const chats: Record<string, unknown> = {};
    for (const chat of [w.group, w.direct]) {
      chats[chat] = {
        chat: await read(server, `/v1/chats/${chat}`),
        history: await read(server, `/v1/chats/${chat}/messages?limit=100`),
        changes: await read(server, `/v1/chats/${chat}/changes?since=0`),
        members: await read(server, `/v1/chats/${chat}/members`),
        receipts: await read(server, `/v1/chats/${chat}/receipts`),
        asAlice: await read(aliceOfA, `/v1/chats/${chat}/messages`),
      };
    }
    // Downloads are read raw (bytes, not JSON): their digest shows the file is the same.
    const file = async (path: string) => {
      const response = await fetch(`${app.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${w.a.secretKey}` },
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      return { status: response.status, sha256: createHash('sha256').update(bytes).digest('hex') };
    };
    return withoutSignatures({
      tenant: await read(server, '/v1/tenant'),
      chatList: await read(server, '/v1/chats'),
      chatListOfAlice: await read(aliceOfA, '/v1/chats'),
      chats,
      users: await read(server, '/v1/users?ids=alice,bob,carol'),
      alice: await read(server, '/v1/users/alice'),
      devicesOfAlice: await read(w.a.server('alice'), '/v1/devices'),
      webhooks: await read(server, '/v1/webhooks'),
      deliveries: await read(server, `/v1/webhooks/${w.webhook}/deliveries`),
      fcm: await read(server, '/v1/tenant/push/fcm'),
      search: await read(server, `/v1/search?q=${MARK}`),
      image: await file(`/v1/files/${w.image}`),
      thumbnail: await file(`/v1/files/${w.image}/thumbnail`),
      rows: await state.fingerprint(w.a.id),
    });
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-isolation-'));
    app = await startTestApp({
      // Webhooks point at loopback; no job runs (no push or webhook call leaves the machine).
      env: { PARLEY_ALLOW_PRIVATE_URLS: 'on', PARLEY_WORKERS: 'off', PARLEY_DATA_DIR: dataDir },
    });
    state = await TenantState.connect(app.databaseUrl);
    const a = await createTenant(app, { name: `Tenant A ${MARK}` });
    const b = await createTenant(app, { name: 'Tenant B' });

    // Tenant A: three users, a group, a direct chat, messages, a reaction, read pointers, an image,
    // a device, a webhook, FCM credentials.
    const server = a.server();
    for (const id of ['alice', 'bob', 'carol'])
      await upsertUser(server, id, { name: `${id} ${MARK}`, metadata: { note: MARK } });
    const alice = a.server('alice');
    const bob = a.server('bob');
    const group = (
      await alice('POST', '/v1/chats', { kind: 'group', title: `Group ${MARK}`, members: ['bob', 'carol'] })
    ).body.id as string;
    const direct = (await alice('POST', '/v1/chats', { kind: 'direct', members: ['alice', 'bob'] })).body
      .id as string;
    const sent = async (call: Call, chat: string, clientId: string, text: string): Promise<Message> => {
      const reply = await call('POST', `/v1/chats/${chat}/messages`, { clientId, text });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body as Message;
    };
    const message = await sent(alice, group, 'a-1', `hello ${MARK}`);
    const reacted = await sent(bob, group, 'b-1', `reply ${MARK}`);
    await sent(bob, direct, 'b-2', `direct ${MARK}`);
    expect((await alice('PUT', `/v1/chats/${group}/messages/${reacted.id}/reactions/heart`)).status).toBe(
      200,
    );
    expect((await bob('POST', `/v1/chats/${group}/read`, {})).status).toBe(200);
    const image = await uploadFile(
      app,
      { authorization: `Bearer ${a.secretKey}`, 'x-on-behalf-of': 'alice' },
      group,
      { name: `${MARK}.png`, type: 'image/png', bytes: PNG_BYTES },
    );
    const withImage = (
      await alice('POST', `/v1/chats/${group}/messages`, { clientId: 'a-2', attachments: [image.id] })
    ).body as Message;
    expect(withImage.attachments[0]?.thumbnailUrl).toBeDefined();
    const device = await alice('POST', '/v1/devices', { kind: 'fcm', token: SHARED_FCM_TOKEN });
    expect(device.status).toBe(201);
    const webhook = await server('POST', '/v1/webhooks', {
      url: `http://127.0.0.1:9/hooks/${MARK}`,
      events: ['member.removed'],
    });
    expect(webhook.status).toBe(201);
    expect(
      (await server('PUT', '/v1/tenant/push/fcm', { serviceAccount: serviceAccount(`a-${MARK}`) })).status,
    ).toBe(200);
    const keyId = (await server('GET', '/v1/tenant')).body.secretKeys[0].id as string;

    // Tenant B: its own alice (an id A has too) and mallory, and a chat of theirs.
    await upsertUser(b.server(), 'alice', { name: 'Alice of B' });
    await upsertUser(b.server(), 'mallory', { name: 'Mallory' });
    const ownChat = await b.server('mallory')('POST', '/v1/chats', {
      kind: 'direct',
      members: ['mallory', 'alice'],
    });
    expect(ownChat.status).toBe(201);
    await sent(b.server('mallory'), ownChat.body.id, 'm-1', 'hello from B');

    const bKey = { authorization: `Bearer ${b.secretKey}` };
    w = {
      a,
      b,
      group,
      direct,
      message: message.id,
      reacted: reacted.id,
      image: image.id,
      imageUrl: withImage.attachments[0]!.url,
      keyId,
      webhook: webhook.body.id,
      device: device.body.id,
      credentials: {
        'b-secret': bKey,
        'b-secret-as-a-only-user': { ...bKey, 'x-on-behalf-of': 'carol' },
        'b-user-with-a-user-id': {
          'x-api-key': b.publishableKey,
          authorization: `Bearer ${await b.token('alice')}`,
        },
        'a-token-with-b-key': {
          'x-api-key': b.publishableKey,
          authorization: `Bearer ${await a.token('alice')}`,
        },
        'b-secret-with-a-key': { ...bKey, 'x-api-key': a.publishableKey },
      },
      secrets: [
        MARK,
        a.id,
        a.secretKey,
        a.publishableKey,
        group,
        direct,
        message.id,
        reacted.id,
        withImage.id,
        image.id,
        keyId,
        webhook.body.id,
        device.body.id,
      ],
    };
    aliceOfA = await a.user('alice', { upsert: false });
    before = await snapshotOfA();
  });

  afterAll(async () => {
    await state?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('has a case for every route the app registered, and for no other', () => {
    expectEveryRouteCovered(
      app,
      ROUTES.map((r) => r.route),
      'isolation',
    );
  });

  describe.each(ROUTES.map((c) => [c.route, c] as const))('%s', (_, { route, access, probes }) => {
    it(`answers each of B's credentials without showing or changing A's data`, async () => {
      const method = route.split(' ')[0]!;
      const actual: unknown[] = [];
      const wanted: unknown[] = [];
      for (const probe of probes) {
        for (const attacker of ATTACKERS) {
          const outcome = expectedOutcome(access, probe, attacker);
          const request = probe.request(w);
          const headers = { ...w.credentials[attacker] };
          let reply: Reply;
          if (request.multipart) {
            const { rawBody, contentType } = multipartBody(request.multipart);
            reply = await app.request(method, request.path, {
              headers: { ...headers, 'content-type': contentType },
              rawBody,
            });
          } else {
            reply = await app.request(method, request.path, {
              headers,
              ...(request.body === undefined ? {} : { body: request.body }),
            });
          }
          // What the attacker sent (an A id it guessed) may come back in an error's words; nothing else may.
          const sent = JSON.stringify(request);
          const answer = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
          const leaks = w.secrets.filter((secret) => answer.includes(secret) && !sent.includes(secret));
          const where = { probe: probe.label ?? request.path, attacker };
          actual.push({ ...where, answer: describeAnswer(reply), leaks });
          wanted.push({ ...where, answer: expectedAnswer(outcome), leaks: [] });
          if (outcome === 'ok' && reply.status < 300) probe.check?.(reply.body, w);
        }
      }
      expect(actual).toEqual(wanted);
    });
  });

  it("lets no token B signs open A, even for A's user ids", async () => {
    const minted = await w.b.server()('POST', '/v1/users/alice/tokens', {});
    for (const token of [minted.body.token as string, await w.b.token('carol')]) {
      const reply = await app.request('GET', '/v1/chats', {
        headers: { 'x-api-key': w.a.publishableKey, authorization: `Bearer ${token}` },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(401);
      expect(reply.body.code).toBe('unauthenticated');
    }
  });

  it("keeps B's signed download URLs and A's apart", async () => {
    const url = new URL(w.imageUrl);
    // The signature is the credential: no key is sent. (Read raw: the answer is the file's bytes.)
    const own = await fetch(`${app.baseUrl}${url.pathname}${url.search}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    // The signature binds the tenant: naming B in A's URL (or A's file in B's) is refused.
    url.searchParams.set('tenant', w.b.id);
    const swapped = await fetch(`${app.baseUrl}${url.pathname}${url.search}`);
    expect(swapped.status).toBe(403);
    expect(((await swapped.json()) as { code: string }).code).toBe('forbidden');
  });

  it("keeps B's writes to users that share ids with A's inside B", async () => {
    const b = w.b.server();
    expect((await b('PUT', '/v1/users/alice', { name: 'Renamed by B' })).status).toBe(200);
    expect((await b('DELETE', '/v1/users/alice/tokens')).status).toBe(204);
    expect((await b('DELETE', '/v1/users/alice')).status).toBe(204);
    // A's alice: same name, same token still good, same chats.
    expect((await w.a.server()('GET', '/v1/users/alice')).body.name).toBe(`alice ${MARK}`);
    expect((await aliceOfA('GET', '/v1/chats')).body.data).toHaveLength(2);
  });

  it('leaves tenant A exactly as it was', async () => {
    expect(await snapshotOfA()).toEqual(before);
  });
});
