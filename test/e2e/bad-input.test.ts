import { createECDH, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, type Message } from '@parley/protocol';
import { signUserToken } from '@parley/tenancy';
import { expectEveryRouteCovered } from '../factories/routes.js';
import { TenantState } from '../factories/tenant-state.js';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { multipartBody, uploadFile, type MultipartPart } from '../factories/uploads.js';
import { TEST_ADMIN_TOKEN } from '../support/environment.js';
import { expectProblem, type Reply } from '../support/http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * DESIGN.md "Testing": bad input gets a clear 4xx with a stable error code and changes nothing. Every
 * route the app registers is in ROUTES (a test fails otherwise). Each gets the cases every route of
 * its kind gets (credentials; for bodies: malformed JSON, another media type, unknown fields, an
 * oversize body; for path parameters: malformed and unknown ids; for strict queries: unknown
 * parameters and limits over the page size), then its own. After each case the tenant's rows, the
 * stored files and the tenant count are compared with what they were.
 */

const LIMITS = {
  textLength: 50,
  membersPerCall: 3,
  groupMembers: 3,
  pageSize: 10,
  uploadBytes: 2048,
  // High enough that no case here is rate limited.
  messagesPerSecond: 10_000,
  userRequestsPerMinute: 1_000_000,
  tenantRequestsPerMinute: 100_000_000,
};
const ALLOWED_ORIGIN = 'https://app.example.test';
/** A public address (no DNS needed); no job runs in this file, so nothing is ever sent there. */
const PUBLIC_HOOK = 'https://93.184.215.14/hooks';

/** Who calls: the secret key, the secret key for a user, a user with the publishable key, the publishable key alone, nobody. */
type Who = 'server' | 'operator' | 'none' | 'publishable' | `user:${string}` | `for:${string}`;

interface Setup {
  t: TestTenant;
  other: TestTenant;
  /** Group: alice (owner), bob (member). Direct: alice and bob. */
  group: string;
  direct: string;
  /** alice's message in the group; bob's (reacted to by alice with `heart`); bob's in the direct chat. */
  aliceMessage: string;
  bobMessage: string;
  directMessage: string;
  /** alice's message in the group that she deleted (a tombstone). */
  deletedMessage: string;
  /** alice's upload into the group, not sent. */
  file: string;
  fileUrl: string;
  keyId: string;
  webhook: string;
  device: string;
  headers: (who: Who) => Record<string, string>;
  /** A token for alice that expired an hour ago, and one signed with the other tenant's secret. */
  expiredToken: string;
  foreignToken: string;
}

interface BadCase {
  name: string;
  code: ErrorCode;
  as?: Who;
  method?: string;
  /** Replaces some path parameters of the route's valid call. */
  params?: (s: Setup) => Record<string, string>;
  /** Replaces the query string of the route's valid call. */
  query?: string | ((s: Setup) => string);
  /** JSON body; replaces the route's valid one. */
  body?: unknown;
  bodyOf?: (s: Setup) => unknown;
  rawBody?: string;
  contentType?: string;
  multipart?: (s: Setup) => MultipartPart[];
  headers?: (s: Setup) => Record<string, string>;
  /** Leaves the route's valid body out. */
  noBody?: boolean;
}

interface BadRoute {
  /** `METHOD /path/:param`, as Express registered it. */
  route: string;
  access: 'public' | 'operator' | 'server' | 'tenant' | 'publishable';
  /** Who makes the route's valid call, which the cases corrupt one thing of. */
  as: Who;
  params?: (s: Setup) => Record<string, string>;
  query?: string | ((s: Setup) => string);
  /** A valid JSON body: the route gets the body cases. */
  body?: (s: Setup) => unknown;
  /** Every field of the body is optional: `{}` is valid, so a missing body is not a case. */
  bodyOptional?: boolean;
  /** The route takes `multipart/form-data`. */
  multipart?: (s: Setup) => MultipartPart[];
  /** The query is a strict schema: unknown parameters are refused. `paged`: it takes `limit`. */
  strictQuery?: boolean;
  paged?: boolean;
  /** Path parameters where a well-formed unknown value is not an error (it creates, or is idempotent). */
  unknownIsFine?: string[];
  cases: BadCase[];
  /** Why a route has no cases of its own beyond the generic ones. */
  nothingElse?: string;
}

const ID_PARAMS = new Set(['chatId', 'messageId', 'keyId', 'fileId', 'deviceId', 'webhookId']);
const MALFORMED_PARAMS: Record<string, string[]> = {
  id: ['not-an-id', '123', `${randomUUID()}x`],
  userId: ['bad%20id', 'x'.repeat(129), 'nul%00'],
  emoji: ['two%20words', 'x'.repeat(33), 'bell%07'],
};
/** A parameter whose percent-encoding is not UTF-8: Express cannot decode it. */
const UNDECODABLE_PARAM = '%E0%A4%A';

const UNKNOWN_FIELD = { surprise: true };
const NUL = 'a\u0000b';
const ONE_MEGABYTE_AND_MORE = JSON.stringify({ text: 'x'.repeat(1_100_000) });
/** 30 KB of JSON, nested deeper than a recursive serialiser can go. */
const DEEP_JSON = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

const serviceAccount = (projectId: string) => ({
  type: 'service_account',
  project_id: projectId,
  client_email: `push@${projectId}.iam.gserviceaccount.com`,
  private_key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});

const webPushSubscription = (endpoint: string) => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint,
    keys: {
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
};

const text = (length: number): string => 'x'.repeat(length);
const metadataOf = (bytes: number) => ({ blob: 'x'.repeat(bytes) });

const ROUTES: BadRoute[] = [
  // ---- operator and public ---------------------------------------------------------------------
  {
    route: 'POST /v1/tenants',
    access: 'operator',
    as: 'operator',
    body: () => ({ name: 'Never created' }),
    cases: [
      { name: 'no name', body: {}, code: 'validation_failed' },
      { name: 'a name of 201 characters', body: { name: text(201) }, code: 'validation_failed' },
      { name: 'a name of the wrong type', body: { name: 42 }, code: 'validation_failed' },
      { name: 'a NUL in the name', body: { name: NUL }, code: 'validation_failed' },
      {
        name: 'a page size under 10',
        body: { name: 'n', limits: { pageSize: 5 } },
        code: 'validation_failed',
      },
      { name: 'an unknown limit', body: { name: 'n', limits: { speed: 1 } }, code: 'validation_failed' },
      {
        name: 'an origin with a path',
        body: { name: 'n', allowedOrigins: ['https://a.test/x'] },
        code: 'validation_failed',
      },
      { name: "a tenant's user token", as: 'user:alice', code: 'unauthenticated' },
      { name: "a tenant's secret key", as: 'server', code: 'unauthenticated' },
    ],
  },
  {
    route: 'GET /v1/tenants',
    access: 'operator',
    as: 'operator',
    cases: [
      { name: "a tenant's user token", as: 'user:alice', code: 'unauthenticated' },
      { name: "a tenant's secret key", as: 'server', code: 'unauthenticated' },
    ],
  },
  { route: 'GET /healthz', access: 'public', as: 'none', cases: [], nothingElse: 'public, takes no input' },
  { route: 'GET /readyz', access: 'public', as: 'none', cases: [], nothingElse: 'public, takes no input' },
  { route: 'GET /metrics', access: 'public', as: 'none', cases: [], nothingElse: 'public, takes no input' },
  {
    route: 'GET /widget.js',
    access: 'public',
    as: 'none',
    cases: [],
    nothingElse: 'public, takes no input (a query string is ignored: test/e2e/widget-host.test.ts)',
  },

  // ---- tenant settings -------------------------------------------------------------------------
  { route: 'GET /v1/tenant', access: 'server', as: 'server', cases: [], nothingElse: 'takes no input' },
  {
    route: 'PATCH /v1/tenant',
    access: 'server',
    as: 'server',
    body: () => ({ guestAccess: true }),
    cases: [
      { name: 'no change at all', body: {}, code: 'validation_failed' },
      { name: 'a name of 201 characters', body: { name: text(201) }, code: 'validation_failed' },
      { name: 'an empty name', body: { name: '' }, code: 'validation_failed' },
      { name: 'a NUL in the name', body: { name: NUL }, code: 'validation_failed' },
      { name: 'guestAccess as a string', body: { guestAccess: 'yes' }, code: 'validation_failed' },
      {
        name: 'allowedOrigins as a string',
        body: { allowedOrigins: ALLOWED_ORIGIN },
        code: 'validation_failed',
      },
      {
        name: 'an origin that is not one',
        body: { allowedOrigins: ['javascript:alert(1)'] },
        code: 'validation_failed',
      },
      {
        name: '101 origins',
        body: { allowedOrigins: Array.from({ length: 101 }, (_, i) => `https://o${i}.test`) },
        code: 'validation_failed',
      },
      { name: 'a text length of 0', body: { limits: { textLength: 0 } }, code: 'validation_failed' },
      {
        name: 'a text length over the hard limit',
        body: { limits: { textLength: 100_001 } },
        code: 'validation_failed',
      },
      { name: 'a fractional page size', body: { limits: { pageSize: 10.5 } }, code: 'validation_failed' },
      { name: 'an unknown limit', body: { limits: { speed: 1 } }, code: 'validation_failed' },
      { name: 'an unknown push setting', body: { push: { sound: 'on' } }, code: 'validation_failed' },
      {
        name: 'a notification text that is not one',
        body: { push: { notificationText: 'all' } },
        code: 'validation_failed',
      },
      {
        name: 'an upload type that is not a media type',
        body: { uploads: { allowedTypes: ['Image/PNG'] } },
        code: 'validation_failed',
      },
    ],
  },
  {
    route: 'POST /v1/tenant/keys/rotate',
    access: 'server',
    as: 'server',
    cases: [],
    nothingElse: 'takes no input',
  },
  {
    route: 'DELETE /v1/tenant/keys/:keyId',
    access: 'server',
    as: 'server',
    params: (s) => ({ keyId: s.keyId }),
    cases: [],
    // The valid call itself is refused: the only key cannot be revoked.
    nothingElse: 'the route call itself is a conflict (see "refuses to revoke the only secret key")',
  },
  {
    route: 'PUT /v1/tenant/push/fcm',
    access: 'server',
    as: 'server',
    body: () => ({ serviceAccount: serviceAccount('replacement') }),
    cases: [
      { name: 'no service account', body: {}, code: 'validation_failed' },
      { name: 'a service account as a string', body: { serviceAccount: '{}' }, code: 'validation_failed' },
      {
        name: 'a key that is not PEM',
        bodyOf: () => ({ serviceAccount: { ...serviceAccount('p-1234'), private_key: 'secret' } }),
        code: 'validation_failed',
      },
      {
        name: 'a PEM key that cannot be read',
        bodyOf: () => ({
          serviceAccount: {
            ...serviceAccount('p-1234'),
            private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
          },
        }),
        code: 'validation_failed',
      },
      {
        name: 'a project id that is not one',
        bodyOf: () => ({ serviceAccount: serviceAccount('Not A Project') }),
        code: 'validation_failed',
      },
      {
        name: 'a client email that is not one',
        bodyOf: () => ({ serviceAccount: { ...serviceAccount('p-1234'), client_email: 'nobody' } }),
        code: 'validation_failed',
      },
      {
        name: 'a service account nested 5,000 deep',
        // Valid but for the depth, so that the size check is what meets it.
        rawBody: `${JSON.stringify({ serviceAccount: serviceAccount('p-1234') }).slice(0, -2)},"deep":${DEEP_JSON}}}`,
        code: 'validation_failed',
      },
      {
        name: 'a NUL in the key',
        bodyOf: () => ({
          serviceAccount: { ...serviceAccount('p-1234'), private_key: `-----BEGIN PRIVATE KEY-----${NUL}` },
        }),
        code: 'validation_failed',
      },
    ],
  },
  {
    route: 'GET /v1/tenant/push/fcm',
    access: 'server',
    as: 'server',
    cases: [],
    nothingElse: 'takes no input',
  },
  {
    route: 'DELETE /v1/tenant/push/fcm',
    access: 'server',
    as: 'server',
    cases: [],
    nothingElse: 'takes no input',
  },

  // ---- users -----------------------------------------------------------------------------------
  {
    route: 'PUT /v1/users/:userId',
    access: 'server',
    as: 'server',
    params: () => ({ userId: 'newbie' }),
    body: () => ({ name: 'Newbie' }),
    unknownIsFine: ['userId'],
    cases: [
      { name: 'a name of 201 characters', body: { name: text(201) }, code: 'validation_failed' },
      { name: 'an empty name', body: { name: '' }, code: 'validation_failed' },
      { name: 'a name of the wrong type', body: { name: ['N'] }, code: 'validation_failed' },
      { name: 'a NUL in the name', body: { name: NUL }, code: 'validation_failed' },
      {
        name: 'an avatar URL that runs script',
        body: { avatarUrl: 'javascript:alert(1)' },
        code: 'validation_failed',
      },
      {
        name: 'an avatar URL of 2049 characters',
        body: { avatarUrl: `https://img.test/${text(2032)}` },
        code: 'validation_failed',
      },
      { name: 'metadata over 8 KiB', body: { metadata: metadataOf(8200) }, code: 'validation_failed' },
      { name: 'metadata as an array', body: { metadata: ['a'] }, code: 'validation_failed' },
      { name: 'metadata as a string', body: { metadata: 'a' }, code: 'validation_failed' },
      { name: 'a NUL in metadata', body: { metadata: { note: NUL } }, code: 'validation_failed' },
      { name: 'a NUL in a metadata key', body: { metadata: { [NUL]: 1 } }, code: 'validation_failed' },
      { name: 'metadata nested 5,000 deep', rawBody: `{"metadata":${DEEP_JSON}}`, code: 'validation_failed' },
      { name: 'a user id with a space', params: () => ({ userId: 'new%20bie' }), code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/users',
    access: 'tenant',
    as: 'user:alice',
    query: 'ids=alice,bob',
    strictQuery: true,
    cases: [
      { name: 'no ids', query: '', code: 'validation_failed' },
      { name: 'an empty id', query: 'ids=alice,,bob', code: 'validation_failed' },
      {
        name: '101 ids',
        query: `ids=${Array.from({ length: 101 }, (_, i) => `u${i}`).join(',')}`,
        code: 'validation_failed',
      },
      { name: 'an id that is not one', query: 'ids=alice,b%20b', code: 'validation_failed' },
      { name: 'a NUL in an id', query: 'ids=a%00b', code: 'validation_failed' },
      { name: 'ids given twice', query: 'ids=alice&ids=bob', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/users/:userId',
    access: 'tenant',
    as: 'user:alice',
    params: () => ({ userId: 'bob' }),
    cases: [],
  },
  {
    route: 'DELETE /v1/users/:userId',
    access: 'server',
    as: 'server',
    params: () => ({ userId: 'ghost-never-made' }),
    cases: [
      // Erasing an erased user again is allowed: it finishes an interrupted erasure.
      { name: 'a user never made', code: 'not_found' },
    ],
  },
  {
    route: 'POST /v1/users/:userId/tokens',
    access: 'server',
    as: 'server',
    params: () => ({ userId: 'alice' }),
    body: () => ({ expiresIn: 3600 }),
    bodyOptional: true,
    unknownIsFine: ['userId'],
    cases: [
      { name: 'a lifetime under a minute', body: { expiresIn: 59 }, code: 'validation_failed' },
      { name: 'a lifetime over 30 days', body: { expiresIn: 30 * 24 * 3600 + 1 }, code: 'validation_failed' },
      { name: 'a fractional lifetime', body: { expiresIn: 90.5 }, code: 'validation_failed' },
      { name: 'a lifetime as a string', body: { expiresIn: '3600' }, code: 'validation_failed' },
      { name: 'an erased user', params: () => ({ userId: 'ghost' }), code: 'conflict' },
    ],
  },
  {
    route: 'DELETE /v1/users/:userId/tokens',
    access: 'server',
    as: 'server',
    params: () => ({ userId: 'ghost-never-made' }),
    cases: [{ name: 'a user never made', code: 'not_found' }],
  },

  {
    // The tenant does not allow guests, so even a valid sign-up changes nothing here.
    route: 'POST /v1/guests',
    access: 'publishable',
    as: 'publishable',
    body: () => ({ name: 'Visitor' }),
    bodyOptional: true,
    cases: [
      { name: 'a tenant that does not allow guests', code: 'forbidden' },
      { name: 'a name of 201 characters', body: { name: text(201) }, code: 'validation_failed' },
      { name: 'an empty name', body: { name: '' }, code: 'validation_failed' },
      { name: 'a name with a NUL', body: { name: NUL }, code: 'validation_failed' },
      { name: 'a chosen user id', body: { userId: 'admin' }, code: 'validation_failed' },
      {
        name: 'a browser origin the tenant does not allow',
        headers: () => ({ origin: 'https://evil.example.test' }),
        code: 'origin_not_allowed',
      },
      {
        name: 'the publishable key with a user token',
        as: 'user:alice',
        code: 'unauthenticated',
      },
    ],
  },

  // ---- chats -----------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats',
    access: 'tenant',
    as: 'user:alice',
    body: () => ({ kind: 'group', title: 'Never made', members: ['bob'] }),
    cases: [
      { name: 'no kind', body: { members: ['bob'] }, code: 'validation_failed' },
      {
        name: 'a kind that is not one',
        body: { kind: 'channel', members: ['bob'] },
        code: 'validation_failed',
      },
      { name: 'members as a string', body: { kind: 'group', members: 'bob' }, code: 'validation_failed' },
      {
        name: 'a member id that is not one',
        body: { kind: 'group', members: ['b b'] },
        code: 'validation_failed',
      },
      {
        name: 'a member id of the wrong type',
        body: { kind: 'group', members: [7] },
        code: 'validation_failed',
      },
      {
        name: 'a title of 201 characters',
        body: { kind: 'group', title: text(201), members: ['bob'] },
        code: 'validation_failed',
      },
      {
        name: 'a NUL in the title',
        body: { kind: 'group', title: NUL, members: ['bob'] },
        code: 'validation_failed',
      },
      {
        name: 'more members than membersPerCall',
        body: { kind: 'group', members: ['bob', 'carol', 'dave', 'erin'] },
        code: 'validation_failed',
      },
      {
        name: 'more than 1,000 members',
        body: { kind: 'group', members: Array.from({ length: 1001 }, (_, i) => `u${i}`) },
        code: 'validation_failed',
      },
      // Three named and the creator: one over groupMembers.
      {
        name: 'more members than groupMembers',
        body: { kind: 'group', members: ['bob', 'carol', 'dave'] },
        code: 'conflict',
      },
      {
        name: 'a member who does not exist',
        body: { kind: 'group', members: ['bob', 'nobody'] },
        code: 'not_found',
      },
      {
        name: 'a direct chat of three',
        body: { kind: 'direct', members: ['alice', 'bob', 'carol'] },
        code: 'validation_failed',
      },
      {
        name: 'a direct chat with oneself',
        body: { kind: 'direct', members: ['alice', 'alice'] },
        code: 'validation_failed',
      },
      {
        name: 'a direct chat with a title',
        body: { kind: 'direct', title: 't', members: ['alice', 'carol'] },
        code: 'validation_failed',
      },
      {
        name: 'a direct chat between others',
        body: { kind: 'direct', members: ['bob', 'carol'] },
        code: 'forbidden',
      },
      {
        name: 'a direct chat with someone who does not exist',
        body: { kind: 'direct', members: ['alice', 'nobody'] },
        code: 'not_found',
      },
    ],
  },
  {
    route: 'GET /v1/chats',
    access: 'tenant',
    as: 'user:alice',
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'a cursor it never gave', query: 'cursor=zzz', code: 'validation_failed' },
      {
        name: 'a cursor with a time that cannot be',
        query: () =>
          `cursor=${Buffer.from(JSON.stringify(['2026-13-45 25:61:61+00', randomUUID()])).toString('base64url')}`,
        code: 'validation_failed',
      },
      {
        name: 'a cursor on February 31',
        query: () =>
          `cursor=${Buffer.from(JSON.stringify(['2026-02-31 10:00:00.5+00', randomUUID()])).toString('base64url')}`,
        code: 'validation_failed',
      },
      {
        name: 'a cursor with an offset of 99 hours',
        query: () =>
          `cursor=${Buffer.from(JSON.stringify(['2026-01-31 10:00:00+99', randomUUID()])).toString('base64url')}`,
        code: 'validation_failed',
      },
      {
        name: 'a cursor of another list',
        query: `cursor=${Buffer.from('["alice"]').toString('base64url')}`,
        code: 'validation_failed',
      },
      { name: 'a cursor over 512 characters', query: `cursor=${text(513)}`, code: 'validation_failed' },
      { name: 'a limit that is not a number', query: 'limit=ten', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    cases: [],
  },
  {
    route: 'PATCH /v1/chats/:chatId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    body: () => ({ title: 'Renamed' }),
    cases: [
      { name: 'no title field', body: {}, code: 'validation_failed' },
      { name: 'a title of 201 characters', body: { title: text(201) }, code: 'validation_failed' },
      { name: 'an empty title', body: { title: '' }, code: 'validation_failed' },
      { name: 'a title of the wrong type', body: { title: 5 }, code: 'validation_failed' },
      { name: 'a NUL in the title', body: { title: NUL }, code: 'validation_failed' },
      { name: 'a direct chat', params: (s) => ({ chatId: s.direct }), code: 'forbidden' },
      { name: 'a plain member', as: 'user:bob', code: 'forbidden' },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },

  // ---- members ---------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/members',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    body: () => ({ members: ['carol'] }),
    cases: [
      { name: 'no members', body: { members: [] }, code: 'validation_failed' },
      { name: 'members as a string', body: { members: 'carol' }, code: 'validation_failed' },
      {
        name: 'more members than membersPerCall',
        body: { members: ['carol', 'dave', 'erin', 'frank'] },
        code: 'validation_failed',
      },
      { name: 'the owner role', body: { members: ['carol'], role: 'owner' }, code: 'validation_failed' },
      { name: 'a member who does not exist', body: { members: ['carol', 'nobody'] }, code: 'not_found' },
      { name: 'an erased user', body: { members: ['ghost'] }, code: 'not_found' },
      { name: 'more members than groupMembers', body: { members: ['carol', 'dave'] }, code: 'conflict' },
      { name: 'a plain member adding', as: 'user:bob', code: 'forbidden' },
      { name: 'a direct chat', params: (s) => ({ chatId: s.direct }), code: 'forbidden' },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/members',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'a cursor it never gave', query: 'cursor=!!!', code: 'validation_failed' },
      {
        name: 'a cursor that names no user id',
        query: `cursor=${Buffer.from('["a b"]').toString('base64url')}`,
        code: 'validation_failed',
      },
    ],
  },
  {
    route: 'PATCH /v1/chats/:chatId/members/:userId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group, userId: 'bob' }),
    body: () => ({ role: 'admin' }),
    cases: [
      { name: 'a role that is not one', body: { role: 'king' }, code: 'validation_failed' },
      { name: 'no role', body: {}, code: 'validation_failed' },
      {
        name: 'a plain member changing roles',
        as: 'user:bob',
        params: () => ({ userId: 'alice' }),
        code: 'forbidden',
      },
      { name: 'a user who is not a member', params: () => ({ userId: 'dave' }), code: 'not_found' },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/members/:userId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group, userId: 'dave' }),
    cases: [
      { name: 'a user who is not a member', code: 'not_found' },
      {
        name: 'a plain member removing the owner',
        as: 'user:bob',
        params: () => ({ userId: 'alice' }),
        code: 'forbidden',
      },
      { name: 'a direct chat', params: (s) => ({ chatId: s.direct, userId: 'bob' }), code: 'forbidden' },
    ],
  },

  // ---- messages, changes, reactions ------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/messages',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    body: () => ({ clientId: 'never-stored', text: 'hello' }),
    cases: [
      {
        name: "text over the tenant's textLength",
        body: { clientId: 'c', text: text(LIMITS.textLength + 1) },
        code: 'validation_failed',
      },
      {
        name: 'text over the hard limit',
        body: { clientId: 'c', text: text(100_001) },
        code: 'validation_failed',
      },
      { name: 'blank text', body: { clientId: 'c', text: '  \n ' }, code: 'validation_failed' },
      { name: 'empty text', body: { clientId: 'c', text: '' }, code: 'validation_failed' },
      { name: 'text as a number', body: { clientId: 'c', text: 5 }, code: 'validation_failed' },
      { name: 'a NUL in the text', body: { clientId: 'c', text: NUL }, code: 'validation_failed' },
      { name: 'neither text nor attachments', body: { clientId: 'c' }, code: 'validation_failed' },
      { name: 'no clientId', body: { text: 'hi' }, code: 'validation_failed' },
      { name: 'a clientId with a space', body: { clientId: 'a b', text: 'hi' }, code: 'validation_failed' },
      { name: 'a clientId with a NUL', body: { clientId: NUL, text: 'hi' }, code: 'validation_failed' },
      {
        name: 'a clientId of 129 characters',
        body: { clientId: text(129), text: 'hi' },
        code: 'validation_failed',
      },
      { name: 'a clientId as a number', body: { clientId: 1, text: 'hi' }, code: 'validation_failed' },
      {
        name: 'a replyTo that is not an id',
        body: { clientId: 'c', text: 'hi', replyTo: 'first' },
        code: 'validation_failed',
      },
      {
        name: 'a replyTo that names no message',
        bodyOf: () => ({ clientId: 'c', text: 'hi', replyTo: randomUUID() }),
        code: 'validation_failed',
      },
      {
        name: 'a replyTo in another chat',
        bodyOf: (s) => ({ clientId: 'c', text: 'hi', replyTo: s.directMessage }),
        code: 'validation_failed',
      },
      {
        name: 'attachments that are no uploads',
        bodyOf: () => ({ clientId: 'c', attachments: [randomUUID()] }),
        code: 'validation_failed',
      },
      {
        name: 'an empty attachment list',
        body: { clientId: 'c', attachments: [] },
        code: 'validation_failed',
      },
      {
        name: 'an attachment twice',
        bodyOf: (s) => ({ clientId: 'c', attachments: [s.file, s.file] }),
        code: 'validation_failed',
      },
      {
        name: 'eleven attachments',
        bodyOf: () => ({ clientId: 'c', attachments: Array.from({ length: 11 }, () => randomUUID()) }),
        code: 'validation_failed',
      },
      {
        name: "someone else's upload",
        as: 'user:bob',
        bodyOf: (s) => ({ clientId: 'c', attachments: [s.file] }),
        code: 'validation_failed',
      },
      {
        name: 'a clientId already used in another chat',
        body: { clientId: 'direct-1', text: 'hi' },
        code: 'conflict',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
      { name: 'the backend for a user outside the chat', as: 'for:carol', code: 'forbidden' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/messages',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'before that is not a number', query: 'before=latest', code: 'validation_failed' },
      { name: 'a negative after', query: 'after=-1', code: 'validation_failed' },
      { name: 'a fractional before', query: 'before=1.5', code: 'validation_failed' },
      { name: 'before with 16 digits', query: `before=${'9'.repeat(16)}`, code: 'validation_failed' },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/changes',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    query: 'since=0',
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'no since', query: '', code: 'validation_failed' },
      { name: 'since that is not a number', query: 'since=yesterday', code: 'validation_failed' },
      { name: 'a negative since', query: 'since=-5', code: 'validation_failed' },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },
  {
    route: 'PATCH /v1/chats/:chatId/messages/:messageId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group, messageId: s.aliceMessage }),
    body: () => ({ text: 'edited' }),
    cases: [
      {
        name: "text over the tenant's textLength",
        body: { text: text(LIMITS.textLength + 1) },
        code: 'validation_failed',
      },
      { name: 'blank text', body: { text: '   ' }, code: 'validation_failed' },
      { name: 'no text', body: {}, code: 'validation_failed' },
      { name: 'text as an object', body: { text: { value: 'x' } }, code: 'validation_failed' },
      { name: 'a NUL in the text', body: { text: NUL }, code: 'validation_failed' },
      // alice owns the group, so she may edit bob's; bob may not edit hers.
      { name: "someone else's message", as: 'user:bob', code: 'forbidden' },
      { name: 'a deleted message', params: (s) => ({ messageId: s.deletedMessage }), code: 'conflict' },
      {
        name: 'a message of another chat',
        params: (s) => ({ messageId: s.directMessage }),
        code: 'not_found',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/messages/:messageId',
    access: 'tenant',
    as: 'user:bob',
    params: (s) => ({ chatId: s.group, messageId: s.aliceMessage }),
    cases: [
      { name: "someone else's message", code: 'forbidden' },
      {
        name: 'a message of another chat',
        as: 'user:alice',
        params: (s) => ({ messageId: s.directMessage }),
        code: 'not_found',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },
  {
    route: 'PUT /v1/chats/:chatId/messages/:messageId/reactions/:emoji',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group, messageId: s.aliceMessage, emoji: 'thumbs_up' }),
    unknownIsFine: ['emoji'],
    cases: [
      { name: 'an emoji with a slash', params: () => ({ emoji: 'a%2Fb' }), code: 'validation_failed' },
      { name: 'a deleted message', params: (s) => ({ messageId: s.deletedMessage }), code: 'conflict' },
      {
        name: 'a message of another chat',
        params: (s) => ({ messageId: s.directMessage }),
        code: 'not_found',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
      { name: 'the backend for a user outside the chat', as: 'for:carol', code: 'forbidden' },
    ],
  },
  {
    route: 'DELETE /v1/chats/:chatId/messages/:messageId/reactions/:emoji',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group, messageId: s.bobMessage, emoji: 'heart' }),
    unknownIsFine: ['emoji'],
    cases: [
      {
        name: 'a message of another chat',
        params: (s) => ({ messageId: s.directMessage }),
        code: 'not_found',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },

  // ---- receipts --------------------------------------------------------------------------------
  {
    route: 'POST /v1/chats/:chatId/read',
    access: 'tenant',
    as: 'user:bob',
    params: (s) => ({ chatId: s.group }),
    body: () => ({ seq: 1 }),
    bodyOptional: true,
    cases: [
      { name: 'a negative seq', body: { seq: -1 }, code: 'validation_failed' },
      { name: 'a fractional seq', body: { seq: 1.5 }, code: 'validation_failed' },
      { name: 'seq as a string', body: { seq: '1' }, code: 'validation_failed' },
      { name: 'seq beyond safe integers', rawBody: '{"seq":1e300}', code: 'validation_failed' },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/chats/:chatId/receipts',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ chatId: s.group }),
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'a cursor it never gave', query: 'cursor=%00', code: 'validation_failed' },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
    ],
  },

  // ---- files -----------------------------------------------------------------------------------
  {
    route: 'POST /v1/uploads',
    access: 'tenant',
    as: 'user:alice',
    multipart: (s) => [
      { name: 'chatId', value: s.group },
      { name: 'file', filename: 'note.txt', type: 'text/plain', content: 'a note' },
    ],
    cases: [
      { name: 'a JSON body', bodyOf: (s) => ({ chatId: s.group }), code: 'unsupported_media_type' },
      {
        name: 'no chatId',
        multipart: () => [{ name: 'file', filename: 'a.txt', type: 'text/plain', content: 'a' }],
        code: 'validation_failed',
      },
      {
        name: 'a chatId that is not an id',
        multipart: () => [
          { name: 'chatId', value: 'general' },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: 'a' },
        ],
        code: 'validation_failed',
      },
      {
        name: 'a chat that does not exist',
        multipart: () => [
          { name: 'chatId', value: randomUUID() },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: 'a' },
        ],
        code: 'not_found',
      },
      {
        name: 'an unknown field',
        multipart: (s) => [
          { name: 'chatId', value: s.group },
          { name: 'caption', value: 'hi' },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: 'a' },
        ],
        code: 'validation_failed',
      },
      { name: 'no file', multipart: (s) => [{ name: 'chatId', value: s.group }], code: 'validation_failed' },
      {
        name: 'two files',
        multipart: (s) => [
          { name: 'chatId', value: s.group },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: 'a' },
          { name: 'file', filename: 'b.txt', type: 'text/plain', content: 'b' },
        ],
        code: 'validation_failed',
      },
      {
        name: 'an empty file',
        multipart: (s) => [
          { name: 'chatId', value: s.group },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: '' },
        ],
        code: 'validation_failed',
      },
      {
        name: "a file over the tenant's uploadBytes",
        multipart: (s) => [
          { name: 'chatId', value: s.group },
          { name: 'file', filename: 'a.txt', type: 'text/plain', content: text(LIMITS.uploadBytes + 1) },
        ],
        code: 'payload_too_large',
      },
      {
        name: 'HTML claimed as text',
        multipart: (s) => [
          { name: 'chatId', value: s.group },
          {
            name: 'file',
            filename: 'a.txt',
            type: 'text/plain',
            content: '<!DOCTYPE html><html><script>alert(1)</script></html>',
          },
        ],
        code: 'unsupported_media_type',
      },
      {
        name: 'a truncated body',
        rawBody: `--b\r\nContent-Disposition: form-data; name="chatId"\r\n\r\nx`,
        contentType: 'multipart/form-data; boundary=b',
        code: 'validation_failed',
      },
      {
        name: 'multipart without a boundary',
        rawBody: 'x',
        contentType: 'multipart/form-data',
        code: 'validation_failed',
      },
      { name: 'a user outside the chat', as: 'user:carol', code: 'not_found' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/files/:fileId',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ fileId: s.file }),
    strictQuery: true,
    cases: [
      { name: 'a signature that is not one', query: 'sig=abc', code: 'validation_failed' },
      { name: 'a tenant that is not an id', query: 'tenant=acme', code: 'validation_failed' },
      { name: 'an expiry that is not a number', query: 'exp=soon', code: 'validation_failed' },
      { name: 'someone who may not see an unsent upload', as: 'user:bob', code: 'not_found' },
    ],
  },
  {
    route: 'GET /v1/files/:fileId/thumbnail',
    access: 'tenant',
    as: 'user:alice',
    params: (s) => ({ fileId: s.file }),
    strictQuery: true,
    cases: [{ name: 'the thumbnail of a text file', code: 'not_found' }],
  },

  // ---- search and presence ---------------------------------------------------------------------
  {
    route: 'GET /v1/search',
    access: 'tenant',
    as: 'user:alice',
    query: 'q=hello',
    strictQuery: true,
    paged: true,
    cases: [
      { name: 'no q', query: '', code: 'validation_failed' },
      { name: 'a blank q', query: 'q=%20%20', code: 'validation_failed' },
      { name: 'a q of 257 characters', query: `q=${text(257)}`, code: 'validation_failed' },
      { name: 'a NUL in q', query: 'q=a%00b', code: 'validation_failed' },
      { name: 'a chatId that is not an id', query: 'q=hello&chatId=general', code: 'validation_failed' },
      {
        name: 'a chat that does not exist',
        query: () => `q=hello&chatId=${randomUUID()}`,
        code: 'not_found',
      },
      {
        name: "a chat that is not the caller's",
        as: 'user:carol',
        query: (s) => `q=hello&chatId=${s.group}`,
        code: 'not_found',
      },
      { name: 'a cursor it never gave', query: 'q=hello&cursor=WyJ4Il0', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/presence',
    access: 'tenant',
    as: 'user:alice',
    query: 'userIds=alice,bob',
    strictQuery: true,
    cases: [
      { name: 'no userIds', query: '', code: 'validation_failed' },
      {
        name: '101 userIds',
        query: `userIds=${Array.from({ length: 101 }, (_, i) => `u${i}`).join(',')}`,
        code: 'validation_failed',
      },
      { name: 'a user id that is not one', query: 'userIds=a%20b', code: 'validation_failed' },
    ],
  },

  // ---- push ------------------------------------------------------------------------------------
  {
    route: 'POST /v1/devices',
    access: 'tenant',
    as: 'user:alice',
    body: () => ({ kind: 'fcm', token: 'never-registered' }),
    cases: [
      { name: 'a kind that is not one', body: { kind: 'apns', token: 't' }, code: 'validation_failed' },
      { name: 'a token with a space', body: { kind: 'fcm', token: 'a b' }, code: 'validation_failed' },
      {
        name: 'a token of 4,097 characters',
        body: { kind: 'fcm', token: text(4097) },
        code: 'validation_failed',
      },
      { name: 'a token as a number', body: { kind: 'fcm', token: 12345 }, code: 'validation_failed' },
      {
        name: 'a subscription for fcm',
        bodyOf: () => ({ kind: 'fcm', subscription: webPushSubscription('https://push.test/x') }),
        code: 'validation_failed',
      },
      {
        name: 'a subscription with keys of the wrong size',
        body: {
          kind: 'webpush',
          subscription: { endpoint: 'https://push.test/x', keys: { p256dh: 'BAAA', auth: 'AAAA' } },
        },
        code: 'validation_failed',
      },
      {
        name: 'a subscription to a loopback address',
        bodyOf: () => ({ kind: 'webpush', subscription: webPushSubscription('http://127.0.0.1:9/push') }),
        code: 'validation_failed',
      },
      {
        name: 'a subscription that is not http',
        bodyOf: () => ({ kind: 'webpush', subscription: webPushSubscription('ftp://push.test/x') }),
        code: 'validation_failed',
      },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/devices',
    access: 'tenant',
    as: 'user:alice',
    cases: [{ name: 'the backend for nobody', as: 'server', code: 'validation_failed' }],
  },
  {
    route: 'DELETE /v1/devices/:deviceId',
    access: 'tenant',
    as: 'user:bob',
    params: (s) => ({ deviceId: s.device }),
    cases: [
      { name: "someone else's device", code: 'not_found' },
      { name: 'the backend for nobody', as: 'server', code: 'validation_failed' },
    ],
  },
  {
    route: 'GET /v1/push/vapid-key',
    access: 'tenant',
    as: 'user:alice',
    cases: [],
    nothingElse: 'takes no input',
  },

  // ---- webhooks --------------------------------------------------------------------------------
  {
    route: 'POST /v1/webhooks',
    access: 'server',
    as: 'server',
    body: () => ({ url: `${PUBLIC_HOOK}/never`, events: ['message.new'] }),
    cases: [
      { name: 'no url', body: { events: ['message.new'] }, code: 'validation_failed' },
      {
        name: 'a url that is not http',
        body: { url: 'ftp://93.184.215.14/x', events: ['message.new'] },
        code: 'validation_failed',
      },
      {
        name: 'a url to a loopback address',
        body: { url: 'http://127.0.0.1:9/x', events: ['message.new'] },
        code: 'validation_failed',
      },
      {
        name: 'a url to the cloud metadata address',
        body: { url: 'http://169.254.169.254/latest', events: ['message.new'] },
        code: 'validation_failed',
      },
      {
        name: 'a url with credentials',
        body: { url: 'https://user:pw@93.184.215.14/x', events: ['message.new'] },
        code: 'validation_failed',
      },
      {
        name: 'a url of 2,049 characters',
        body: { url: `${PUBLIC_HOOK}/${text(2049 - PUBLIC_HOOK.length - 1)}`, events: ['message.new'] },
        code: 'validation_failed',
      },
      { name: 'no events', body: { url: PUBLIC_HOOK, events: [] }, code: 'validation_failed' },
      {
        name: 'an event that is not one',
        body: { url: PUBLIC_HOOK, events: ['message.read'] },
        code: 'validation_failed',
      },
      {
        name: 'events as a string',
        body: { url: PUBLIC_HOOK, events: 'message.new' },
        code: 'validation_failed',
      },
    ],
  },
  { route: 'GET /v1/webhooks', access: 'server', as: 'server', cases: [], nothingElse: 'takes no input' },
  {
    route: 'GET /v1/webhooks/:webhookId',
    access: 'server',
    as: 'server',
    params: (s) => ({ webhookId: s.webhook }),
    cases: [],
  },
  {
    route: 'PATCH /v1/webhooks/:webhookId',
    access: 'server',
    as: 'server',
    params: (s) => ({ webhookId: s.webhook }),
    body: () => ({ status: 'disabled' }),
    cases: [
      { name: 'no change', body: {}, code: 'validation_failed' },
      { name: 'a status that is not one', body: { status: 'paused' }, code: 'validation_failed' },
      { name: 'no events', body: { events: [] }, code: 'validation_failed' },
      { name: 'a url (it cannot change)', body: { url: PUBLIC_HOOK }, code: 'validation_failed' },
    ],
  },
  {
    route: 'DELETE /v1/webhooks/:webhookId',
    access: 'server',
    as: 'server',
    params: (s) => ({ webhookId: s.webhook }),
    cases: [],
  },
  {
    route: 'GET /v1/webhooks/:webhookId/deliveries',
    access: 'server',
    as: 'server',
    params: (s) => ({ webhookId: s.webhook }),
    strictQuery: true,
    paged: true,
    cases: [{ name: 'a cursor it never gave', query: 'cursor=nope', code: 'validation_failed' }],
  },
];

/** The route's path with these parameter values (already URL-encoded). */
const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${template}`);
    return value;
  });

/** Every case of a route: those all routes of its kind get, then its own. */
function casesOf(route: BadRoute): BadCase[] {
  const [, template] = route.route.split(' ') as [string, string];
  const cases: BadCase[] = [];
  if (route.access !== 'public') {
    const server = route.access === 'server';
    const operator = route.access === 'operator';
    // A user token never opens a server route (403); elsewhere bad credentials are 401.
    const userCredential: ErrorCode = server ? 'forbidden' : 'unauthenticated';
    cases.push(
      { name: 'no credentials', as: 'none', code: 'unauthenticated' },
      {
        name: 'the Basic scheme',
        as: 'none',
        headers: (s) => ({ authorization: `Basic ${Buffer.from(`x:${s.t.secretKey}`).toString('base64')}` }),
        code: 'unauthenticated',
      },
      {
        name: 'a secret key without a scheme',
        as: 'none',
        headers: (s) => ({ authorization: s.t.secretKey }),
        code: 'unauthenticated',
      },
      {
        name: 'the Token scheme',
        as: 'none',
        headers: (s) => ({ authorization: `Token ${s.t.secretKey}` }),
        code: 'unauthenticated',
      },
      {
        name: 'two bearer credentials',
        as: 'none',
        headers: (s) => ({ authorization: `Bearer ${s.t.secretKey} ${s.t.secretKey}` }),
        code: 'unauthenticated',
      },
      {
        name: 'an empty bearer',
        as: 'none',
        headers: () => ({ authorization: 'Bearer ' }),
        code: 'unauthenticated',
      },
      {
        name: 'a secret key that does not exist',
        as: 'none',
        headers: () => ({ authorization: `Bearer sk_${randomBytes(30).toString('base64url')}` }),
        code: 'unauthenticated',
      },
    );
    if (!operator) {
      cases.push(
        {
          name: 'an expired user token',
          as: 'none',
          headers: (s) => ({ 'x-api-key': s.t.publishableKey, authorization: `Bearer ${s.expiredToken}` }),
          code: userCredential,
        },
        {
          name: "a token signed with another tenant's secret",
          as: 'none',
          headers: (s) => ({ 'x-api-key': s.t.publishableKey, authorization: `Bearer ${s.foreignToken}` }),
          code: userCredential,
        },
        {
          name: 'a token that is not a JWT',
          as: 'none',
          headers: (s) => ({ 'x-api-key': s.t.publishableKey, authorization: 'Bearer not.a.jwt' }),
          code: userCredential,
        },
        {
          name: 'a publishable key that does not exist',
          as: 'none',
          headers: (s) => ({
            'x-api-key': `pk_${randomBytes(18).toString('base64url')}`,
            authorization: `Bearer ${s.expiredToken}`,
          }),
          code: userCredential,
        },
        {
          name: 'a user token without the publishable key',
          as: 'none',
          headers: (s) => ({ authorization: `Bearer ${s.foreignToken}` }),
          code: 'unauthenticated',
        },
      );
    }
    // The publishable key alone takes no Authorization at all: these are covered above as 401s.
    if (!operator && route.access !== 'publishable') {
      cases.push(
        {
          name: 'X-On-Behalf-Of that is not a user id',
          as: 'none',
          headers: (s) => ({ authorization: `Bearer ${s.t.secretKey}`, 'x-on-behalf-of': 'not a user' }),
          code: 'validation_failed',
        },
        {
          name: 'X-On-Behalf-Of for a user that does not exist',
          as: 'none',
          headers: (s) => ({ authorization: `Bearer ${s.t.secretKey}`, 'x-on-behalf-of': 'nobody' }),
          code: 'not_found',
        },
        {
          name: 'X-On-Behalf-Of for an erased user',
          as: 'none',
          headers: (s) => ({ authorization: `Bearer ${s.t.secretKey}`, 'x-on-behalf-of': 'ghost' }),
          code: 'not_found',
        },
        {
          name: "the secret key beside another tenant's publishable key",
          as: 'none',
          headers: (s) => ({ authorization: `Bearer ${s.t.secretKey}`, 'x-api-key': s.other.publishableKey }),
          code: 'unauthenticated',
        },
      );
    }
  }
  if (route.body || route.multipart) {
    cases.push(
      {
        name: 'malformed JSON',
        rawBody: '{"a":',
        contentType: 'application/json',
        code: 'validation_failed',
      },
      {
        name: 'a JSON string body',
        rawBody: '"text"',
        contentType: 'application/json',
        code: 'validation_failed',
      },
      {
        name: 'a text/plain body',
        rawBody: 'hello',
        contentType: 'text/plain',
        code: 'unsupported_media_type',
      },
      {
        name: 'a form-encoded body',
        rawBody: 'a=1',
        contentType: 'application/x-www-form-urlencoded',
        code: 'unsupported_media_type',
      },
      {
        name: 'JSON in a charset other than UTF',
        rawBody: '{}',
        contentType: 'application/json; charset=iso-8859-1',
        code: 'unsupported_media_type',
      },
      {
        name: 'a gzip body that is not gzip',
        rawBody: '{}',
        headers: () => ({ 'content-encoding': 'gzip' }),
        code: 'validation_failed',
      },
      {
        name: 'a content encoding it does not know',
        rawBody: '{}',
        headers: () => ({ 'content-encoding': 'compress' }),
        code: 'unsupported_media_type',
      },
      {
        name: 'a JSON body over 1 MB',
        rawBody: ONE_MEGABYTE_AND_MORE,
        contentType: 'application/json',
        code: 'payload_too_large',
      },
    );
  }
  if (route.body) {
    cases.push(
      {
        name: 'an unknown field',
        bodyOf: (s) => ({ ...(route.body!(s) as object), ...UNKNOWN_FIELD }),
        code: 'validation_failed',
      },
      { name: 'an array body', body: [], code: 'validation_failed' },
    );
    if (!route.bodyOptional) cases.push({ name: 'no body', noBody: true, code: 'validation_failed' });
  }
  for (const [, name] of template.matchAll(/:(\w+)/g)) {
    const kind = ID_PARAMS.has(name!) ? 'id' : name!;
    for (const value of [...(MALFORMED_PARAMS[kind] ?? []), UNDECODABLE_PARAM])
      cases.push({
        name: `a malformed :${name} (${value.slice(0, 20)})`,
        params: () => ({ [name!]: value }),
        code: 'validation_failed',
      });
    if (!route.unknownIsFine?.includes(name!)) {
      const unknown = kind === 'id' ? randomUUID() : 'nobody';
      cases.push({ name: `an unknown :${name}`, params: () => ({ [name!]: unknown }), code: 'not_found' });
    }
  }
  const withQuery = (extra: string) => (s: Setup) => {
    const base = typeof route.query === 'function' ? route.query(s) : (route.query ?? '');
    return base ? `${base}&${extra}` : extra;
  };
  if (route.strictQuery) {
    cases.push({
      name: 'an unknown query parameter',
      query: withQuery('surprise=1'),
      code: 'validation_failed',
    });
  }
  if (route.paged) {
    cases.push(
      {
        name: 'a limit over the page size',
        query: withQuery(`limit=${LIMITS.pageSize + 1}`),
        code: 'validation_failed',
      },
      { name: 'a limit of 0', query: withQuery('limit=0'), code: 'validation_failed' },
      { name: 'a negative limit', query: withQuery('limit=-1'), code: 'validation_failed' },
    );
  }
  return [...cases, ...route.cases];
}

describe('bad input gets a 4xx with a stable code and changes nothing', () => {
  let app: TestApp;
  let dataDir: string;
  let state: TenantState;
  let s: Setup;

  /** The files stored and spooled under the data directory, by path. */
  const storedFiles = async (): Promise<string[]> => {
    const entries = await readdir(dataDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dataDir.length))
      .sort();
  };

  /** What the API shows of the tenant: chats, history, changes, members, users, settings, hooks. */
  async function apiSnapshot(): Promise<unknown> {
    const server = s.t.server();
    const read = async (call: Call, path: string) => {
      const reply = await call('GET', path);
      return { status: reply.status, body: reply.body };
    };
    const chats: Record<string, unknown> = {};
    for (const chat of [s.group, s.direct]) {
      chats[chat] = [
        await read(server, `/v1/chats/${chat}`),
        await read(server, `/v1/chats/${chat}/messages?limit=10`),
        await read(server, `/v1/chats/${chat}/changes?since=0&limit=10`),
        await read(server, `/v1/chats/${chat}/members`),
        await read(server, `/v1/chats/${chat}/receipts`),
      ];
    }
    const snapshot = {
      tenant: await read(server, '/v1/tenant'),
      chats: await read(server, '/v1/chats'),
      chatsOfAlice: await read(s.t.server('alice'), '/v1/chats'),
      chatsOfCarol: await read(s.t.server('carol'), '/v1/chats'),
      chat: chats,
      users: await read(server, '/v1/users?ids=alice,bob,carol,dave,erin,frank,ghost,newbie,nobody'),
      devices: await read(s.t.server('alice'), '/v1/devices'),
      webhooks: await read(server, '/v1/webhooks'),
      fcm: await read(server, '/v1/tenant/push/fcm'),
    };
    // Signed URLs expire on a five-minute step; they are not what is compared.
    return JSON.parse(
      JSON.stringify(snapshot)
        .replace(/exp=\d+/g, 'exp=_')
        .replace(/sig=[\w-]+/g, 'sig=_'),
    );
  }

  /** The tenant's rows, the stored and spooled files, the number of tenants. */
  const storedState = async () => ({
    rows: await state.fingerprint(s.t.id),
    files: await storedFiles(),
    tenants: await state.tenantCount(),
  });

  /**
   * The stored state after the previous refused call: each call is compared with the state just
   * before it (so one failure does not fail every case after it), read once per call.
   */
  let lastState: Awaited<ReturnType<typeof storedState>>;

  /** Runs a call that must be refused, and checks that nothing was stored by it. */
  async function expectRefusedWithoutTrace(
    what: string,
    call: () => Promise<Reply>,
    status: number,
    code: ErrorCode,
  ): Promise<Reply> {
    const before = lastState;
    const reply = await call();
    lastState = await storedState();
    expectProblem(reply, status, code);
    expect(lastState, `${what}: stored state`).toEqual(before);
    return reply;
  }

  /** Likewise what the API shows, compared once per route with what it showed after the previous one. */
  let lastSnapshot: unknown;

  async function send(route: BadRoute, bad: BadCase): Promise<Reply> {
    const [method, template] = route.route.split(' ') as [string, string];
    const params = { ...route.params?.(s), ...bad.params?.(s) };
    const queryOf = (q: BadRoute['query']) => (typeof q === 'function' ? q(s) : q);
    const query = bad.query !== undefined ? queryOf(bad.query) : queryOf(route.query);
    const path = fill(template, params) + (query ? `?${query}` : '');
    const headers = { ...s.headers(bad.as ?? route.as), ...bad.headers?.(s) };
    if (bad.rawBody !== undefined) {
      return app.request(bad.method ?? method, path, {
        headers: { ...headers, 'content-type': bad.contentType ?? 'application/json' },
        rawBody: bad.rawBody,
      });
    }
    const multipart = bad.multipart ?? (bad.body === undefined && !bad.bodyOf ? route.multipart : undefined);
    if (multipart && !bad.noBody) {
      const { rawBody, contentType } = multipartBody(multipart(s));
      return app.request(bad.method ?? method, path, {
        headers: { ...headers, 'content-type': contentType },
        rawBody,
      });
    }
    const body = bad.bodyOf ? bad.bodyOf(s) : bad.body !== undefined ? bad.body : route.body?.(s);
    return app.request(bad.method ?? method, path, {
      headers,
      ...(body === undefined || bad.noBody ? {} : { body }),
    });
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-bad-input-'));
    // No job runs: nothing is sent anywhere, and the stored rows only change by the calls made here.
    app = await startTestApp({ env: { PARLEY_WORKERS: 'off', PARLEY_DATA_DIR: dataDir } });
    state = await TenantState.connect(app.databaseUrl);
    const t = await createTenant(app, {
      name: 'Bad input',
      allowedOrigins: [ALLOWED_ORIGIN],
      limits: LIMITS,
    });
    const other = await createTenant(app, { name: 'Other' });
    const server = t.server();
    for (const id of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'ghost'])
      await upsertUser(server, id);
    expect((await server('DELETE', '/v1/users/ghost')).status).toBe(204);
    const alice = t.server('alice');
    const bob = t.server('bob');
    const group = (await alice('POST', '/v1/chats', { kind: 'group', title: 'Group', members: ['bob'] })).body
      .id as string;
    const direct = (await alice('POST', '/v1/chats', { kind: 'direct', members: ['alice', 'bob'] })).body
      .id as string;
    const sent = async (call: Call, chat: string, clientId: string, words: string): Promise<Message> => {
      const reply = await call('POST', `/v1/chats/${chat}/messages`, { clientId, text: words });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body as Message;
    };
    const aliceMessage = await sent(alice, group, 'group-1', 'hello from alice');
    const bobMessage = await sent(bob, group, 'group-2', 'hello from bob');
    const directMessage = await sent(alice, direct, 'direct-1', 'hello in private');
    const deletedMessage = await sent(alice, group, 'group-3', 'regretted');
    expect((await alice('DELETE', `/v1/chats/${group}/messages/${deletedMessage.id}`)).status).toBe(200);
    expect((await alice('PUT', `/v1/chats/${group}/messages/${bobMessage.id}/reactions/heart`)).status).toBe(
      200,
    );
    const file = await uploadFile(
      app,
      { authorization: `Bearer ${t.secretKey}`, 'x-on-behalf-of': 'alice' },
      group,
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('some notes') },
    );
    const device = await alice('POST', '/v1/devices', { kind: 'fcm', token: 'alice-phone' });
    expect(device.status).toBe(201);
    const webhook = await server('POST', '/v1/webhooks', { url: PUBLIC_HOOK, events: ['message.new'] });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
    expect(
      (await server('PUT', '/v1/tenant/push/fcm', { serviceAccount: serviceAccount('bad-input') })).status,
    ).toBe(200);
    const keyId = (await server('GET', '/v1/tenant')).body.secretKeys[0].id as string;

    const tokens = new Map<string, string>();
    for (const id of ['alice', 'bob', 'carol']) tokens.set(id, await t.token(id));
    s = {
      t,
      other,
      group,
      direct,
      aliceMessage: aliceMessage.id,
      bobMessage: bobMessage.id,
      directMessage: directMessage.id,
      deletedMessage: deletedMessage.id,
      file: file.id,
      fileUrl: file.url,
      keyId,
      webhook: webhook.body.id,
      device: device.body.id,
      expiredToken: (await signUserToken(t.secretKey, 'alice', 60, Date.now() - 3_600_000)).token,
      foreignToken: (await signUserToken(other.secretKey, 'alice', 3600)).token,
      headers: (who): Record<string, string> => {
        if (who === 'none') return {};
        if (who === 'server') return { authorization: `Bearer ${t.secretKey}` };
        if (who === 'operator') return { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
        if (who === 'publishable') return { 'x-api-key': t.publishableKey };
        const [kind, userId] = who.split(':') as [string, string];
        if (kind === 'for') return { authorization: `Bearer ${t.secretKey}`, 'x-on-behalf-of': userId };
        const token = tokens.get(userId);
        if (!token) throw new Error(`no token for ${userId}`);
        return { 'x-api-key': t.publishableKey, authorization: `Bearer ${token}` };
      },
    };
    lastState = await storedState();
    lastSnapshot = await apiSnapshot();
  });

  afterAll(async () => {
    await state?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('has cases for every route the app registered, and for no other', () => {
    expectEveryRouteCovered(
      app,
      ROUTES.map((r) => r.route),
      'bad-input',
    );
    for (const route of ROUTES) {
      if (casesOf(route).length === 0 && !route.nothingElse)
        expect.fail(`${route.route} has no case: add some, or say why in nothingElse`);
    }
  });

  describe.each(ROUTES.map((r) => [r.route, r] as const))('%s', (_, route) => {
    const cases = casesOf(route);

    if (cases.length > 0) {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, bad) => {
        await expectRefusedWithoutTrace(name, () => send(route, bad), ERRORS[bad.code].status, bad.code);
      });

      it('shows the same data through the API afterwards', async () => {
        const before = lastSnapshot;
        lastSnapshot = await apiSnapshot();
        expect(lastSnapshot).toEqual(before);
      });
    } else {
      it(`takes no input (${route.nothingElse}): a stray query and header change nothing`, async () => {
        const [method, path] = route.route.split(' ') as [string, string];
        const before = await storedState();
        const reply = await app.request(method, `${path}?surprise=1&limit=-1`, {
          headers: { 'x-surprise': '1' },
        });
        expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
        expect(await storedState()).toEqual(before);
      });
    }
  });

  describe('other refusals', () => {
    it('refuses to revoke the only secret key', async () => {
      await expectRefusedWithoutTrace(
        'revoke the only key',
        () => s.t.server()('DELETE', `/v1/tenant/keys/${s.keyId}`),
        409,
        'conflict',
      );
    });

    it('answers unknown paths and methods with a problem', async () => {
      await expectRefusedWithoutTrace(
        'unknown path',
        () => s.t.server()('GET', '/v1/nowhere'),
        404,
        'not_found',
      );
      await expectRefusedWithoutTrace(
        'unknown method',
        () => s.t.server()('PATCH', '/v1/users', { name: 'x' }),
        404,
        'not_found',
      );
    });
  });

  describe('browser origins', () => {
    const asAliceFrom = (origin: string, token?: string): Record<string, string> => ({
      ...s.headers('user:alice'),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      origin,
    });

    it('refuses a publishable-key call from an origin the tenant does not allow, without CORS headers', async () => {
      for (const origin of [
        'https://evil.example',
        'https://app.example.test.evil.example',
        'null',
        'http://app.example.test',
      ]) {
        const read = await expectRefusedWithoutTrace(
          `read from ${origin}`,
          () => app.request('GET', '/v1/chats', { headers: asAliceFrom(origin) }),
          403,
          'origin_not_allowed',
        );
        expect(read.headers.get('access-control-allow-origin'), origin).toBeNull();
        const write = await expectRefusedWithoutTrace(
          `send from ${origin}`,
          () =>
            app.request('POST', `/v1/chats/${s.group}/messages`, {
              headers: asAliceFrom(origin),
              body: { clientId: 'from-evil', text: 'hi' },
            }),
          403,
          'origin_not_allowed',
        );
        expect(write.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    });

    it('answers an allowed origin with its CORS header, errors included', async () => {
      const ok = await app.request('GET', '/v1/chats', { headers: asAliceFrom(ALLOWED_ORIGIN) });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(ok.headers.get('vary')).toContain('Origin');
      // A refusal must be readable by the page too.
      const expired = await app.request('GET', '/v1/chats', {
        headers: asAliceFrom(ALLOWED_ORIGIN, s.expiredToken),
      });
      expectProblem(expired, 401, 'unauthenticated');
      expect(expired.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    });

    it('answers a CORS preflight with 204', async () => {
      const before = lastState;
      const response = await fetch(`${app.baseUrl}/v1/chats/${s.group}/messages`, {
        method: 'OPTIONS',
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-api-key',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
      lastState = await storedState();
      expect(lastState).toEqual(before);
    });
  });
});
