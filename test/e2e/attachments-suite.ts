import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentSweeper, FileStorage, FileUrls } from '@parley/attachments';
import { trustTenantId } from '@parley/db';
import type { Attachment, Message } from '@parley/protocol';
import { createTenant, upsertUser, type Call, type TestTenant } from '../factories/tenants.js';
import { expectProblem, request, type Reply } from '../support/http.js';
import type { TestApp } from '../support/test-app.js';

/** A part of a multipart upload: a text field, or a file with a name and a claimed type. */
type Part =
  [name: string, value: string] | [name: string, bytes: Uint8Array, fileName: string, type?: string];

export interface AttachmentsTarget {
  app: TestApp;
  stop(): Promise<void>;
}

const png = (width: number, height: number): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();

/**
 * The attachments contract, run once per storage adapter (`attachments-disk.test.ts`,
 * `attachments-s3.test.ts`): uploads, sniffing, images, signed and member-only downloads, limits,
 * bad input, messages with attachments, deletion, erasure, the sweeper and tenant isolation.
 */
export function attachmentsContract(name: string, start: () => Promise<AttachmentsTarget>): void {
  describe(`attachments (${name})`, () => {
    let target: AttachmentsTarget;
    let app: TestApp;
    let db: pg.Client;
    let tenant: TestTenant;
    let other: TestTenant;
    let alice: Call;
    let bob: Call;
    let chat: string;
    let aliceOnly: string;

    /** Uploads with fetch's own multipart encoding, with the credentials of `as`. */
    const upload = async (as: TestTenant, userId: string | null, parts: Part[]): Promise<Reply> => {
      const form = new FormData();
      for (const [field, value, fileName, type] of parts) {
        if (typeof value === 'string') form.append(field, value);
        else form.append(field, new Blob([value], type ? { type } : {}), fileName);
      }
      const headers: Record<string, string> = userId
        ? { 'x-api-key': as.publishableKey, authorization: `Bearer ${await as.token(userId)}` }
        : { authorization: `Bearer ${as.secretKey}` };
      return request(app.baseUrl, 'POST', '/v1/uploads', { headers, form });
    };
    const uploaded = async (
      parts: Part[],
      as = tenant,
      userId: string | null = 'alice',
    ): Promise<Attachment> => {
      const reply = await upload(as, userId, parts);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body as Attachment;
    };
    /** GET of a URL this server issued (its host is PUBLIC_URL's, the port is the test's). */
    const download = (url: string, headers: Record<string, string> = {}): Promise<Response> => {
      const { pathname, search } = new URL(url);
      return fetch(`${app.baseUrl}${pathname}${search}`, { headers });
    };
    /** A download through the member-only path: as a user, as the backend (null), or with nothing. */
    const fetchAs = async (as: TestTenant | null, userId: string | null, path: string): Promise<Reply> => {
      const headers: Record<string, string> = !as
        ? {}
        : userId
          ? { 'x-api-key': as.publishableKey, authorization: `Bearer ${await as.token(userId)}` }
          : { authorization: `Bearer ${as.secretKey}` };
      return request(app.baseUrl, 'GET', path, { headers });
    };
    const send = async (
      as: Call,
      chatId: string,
      body: Record<string, unknown>,
    ): Promise<Reply<Message & any>> =>
      as('POST', `/v1/chats/${chatId}/messages`, { clientId: crypto.randomUUID(), ...body });
    const storage = (): FileStorage => app.app.get(FileStorage);
    const stored = (tenantId: string): Promise<string[]> => storage().list(`${tenantId}/`);
    const rows = async (tenantId: string): Promise<number> =>
      Number(
        (await db.query('SELECT count(*) AS n FROM attachments WHERE tenant_id = $1', [tenantId])).rows[0].n,
      );
    const spool = async (): Promise<string[]> =>
      readdir(join(app.config.dataDir, 'spool')).catch(() => [] as string[]);
    /** Nothing of a refused upload is left: no object, no row, no spool file. */
    const expectNothingStored = async (tenantId: string, before: { objects: number; rows: number }) => {
      expect((await stored(tenantId)).length).toBe(before.objects);
      expect(await rows(tenantId)).toBe(before.rows);
      expect(await spool()).toEqual([]);
    };
    const counts = async (tenantId: string) => ({
      objects: (await stored(tenantId)).length,
      rows: await rows(tenantId),
    });

    beforeAll(async () => {
      target = await start();
      app = target.app;
      db = new pg.Client({ connectionString: app.databaseUrl });
      await db.connect();
      tenant = await createTenant(app);
      other = await createTenant(app);
      alice = await tenant.user('alice');
      bob = await tenant.user('bob');
      await upsertUser(tenant.server(), 'mallory');
      const group = await tenant.server()('POST', '/v1/chats', {
        kind: 'group',
        title: 'files',
        members: ['alice', 'bob'],
      });
      chat = group.body.id;
      await upsertUser(tenant.server(), 'carol');
      aliceOnly = (await alice('POST', '/v1/chats', { kind: 'direct', members: ['alice', 'carol'] })).body.id;
    });
    afterAll(async () => {
      await db?.end();
      await target?.stop();
    });

    describe('uploads', () => {
      it('stores a PNG claimed as text/plain as image/png, with its dimensions and a thumbnail', async () => {
        const bytes = await png(640, 480);
        const attachment = await uploaded([
          ['chatId', chat],
          ['file', bytes, 'notes.txt', 'text/plain'],
        ]);
        expect(attachment).toMatchObject({
          mime: 'image/png',
          width: 640,
          height: 480,
          name: 'notes.txt.png',
        });
        expect(attachment.size).toBeGreaterThan(0);
        expect(attachment.thumbnailUrl).toBeDefined();

        const original = await download(attachment.url);
        expect(original.status).toBe(200);
        expect(original.headers.get('content-type')).toBe('image/png');
        expect(original.headers.get('x-content-type-options')).toBe('nosniff');
        expect(original.headers.get('content-disposition')).toMatch(/^inline; filename="notes\.txt\.png"/);
        const body = Buffer.from(await original.arrayBuffer());
        expect(body.length).toBe(attachment.size);
        expect(await sharp(body).metadata()).toMatchObject({ format: 'png', width: 640, height: 480 });

        const thumbnail = await download(attachment.thumbnailUrl!);
        expect(thumbnail.status).toBe(200);
        expect(thumbnail.headers.get('content-type')).toBe('image/webp');
        const small = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
        expect(small).toMatchObject({ format: 'webp', width: 320, height: 240 });
        expect(await stored(tenant.id)).toEqual(
          expect.arrayContaining([
            `${tenant.id}/${attachment.id}/original`,
            `${tenant.id}/${attachment.id}/thumbnail`,
          ]),
        );
      });

      it('strips EXIF (location included) and applies its orientation', async () => {
        const photo = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } })
          .jpeg()
          .withMetadata({ orientation: 6 })
          .withExifMerge({
            IFD0: { Make: 'MarkerPhone' },
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '48/1 51/1 24/1',
              GPSLongitudeRef: 'E',
              GPSLongitude: '2/1 21/1 3/1',
            },
          })
          .toBuffer();
        expect(photo.includes('MarkerPhone')).toBe(true);
        expect((await sharp(photo).metadata()).orientation).toBe(6);
        const attachment = await uploaded([
          ['chatId', chat],
          ['file', photo, 'IMG_0001.JPG', 'image/jpeg'],
        ]);
        // Orientation 6 is a quarter turn: shown 100 wide and 200 high.
        expect(attachment).toMatchObject({
          mime: 'image/jpeg',
          width: 100,
          height: 200,
          name: 'IMG_0001.JPG',
        });
        const body = Buffer.from(await (await download(attachment.url)).arrayBuffer());
        expect(body.includes('Exif')).toBe(false);
        expect(body.includes('MarkerPhone')).toBe(false);
        const metadata = await sharp(body).metadata();
        expect(metadata.exif).toBeUndefined();
        expect(metadata).toMatchObject({ width: 100, height: 200 });
      });

      it('sniffs other types from their bytes and keeps non-images as they are', async () => {
        const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
        const attachment = await uploaded([
          ['chatId', chat],
          ['file', pdf, 'report.pdf', 'application/x-whatever'],
        ]);
        expect(attachment).toMatchObject({ mime: 'application/pdf', size: pdf.length, name: 'report.pdf' });
        expect(attachment.width).toBeUndefined();
        expect(attachment.thumbnailUrl).toBeUndefined();
        const text = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('héllo, wörld\n'), '../../etc/pass\u202ewd.txt', 'image/png'],
        ]);
        expect(text).toMatchObject({ mime: 'text/plain', name: 'pass_wd.txt' });
        const served = await download(text.url);
        expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(await served.text()).toBe('héllo, wörld\n');
        expect((await download(`${attachment.url.replace('?', '/thumbnail?')}`)).status).toBe(403);
      });

      it('serves a range of a file', async () => {
        const bytes = Buffer.from('0123456789'.repeat(100));
        const attachment = await uploaded([
          ['chatId', chat],
          ['file', bytes, 'digits.txt'],
        ]);
        const part = await download(attachment.url, { range: 'bytes=10-19' });
        expect(part.status).toBe(206);
        expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
        expect(await part.text()).toBe('0123456789');
      });

      it('refuses a file over the tenant limit with 413 and leaves nothing behind', async () => {
        const small = await createTenant(app, { limits: { uploadBytes: 100_000 } });
        await upsertUser(small.server(), 'u');
        const chatId = (
          await small.server()('POST', '/v1/chats', { kind: 'group', title: 't', members: ['u'] })
        ).body.id;
        const exact = await upload(small, 'u', [
          ['chatId', chatId],
          ['file', Buffer.alloc(100_000, 'a'), 'exact.txt'],
        ]);
        expect(exact.status, JSON.stringify(exact.body)).toBe(201);
        const before = await counts(small.id);
        for (const size of [100_001, 3_000_000]) {
          const reply = await upload(small, 'u', [
            ['chatId', chatId],
            ['file', Buffer.alloc(size, 'a'), 'big.txt'],
          ]);
          expectProblem(reply, 413, 'payload_too_large');
          await expectNothingStored(small.id, before);
        }
      });

      it('refuses a file over the default 25 MiB', async () => {
        const before = await counts(tenant.id);
        const reply = await upload(tenant, 'alice', [
          ['chatId', chat],
          ['file', randomBytes(25 * 1024 * 1024 + 1), 'huge.bin'],
        ]);
        expectProblem(reply, 413, 'payload_too_large');
        await expectNothingStored(tenant.id, before);
      });

      it('refuses types outside the allow-list with 415, whatever the client claims', async () => {
        const before = await counts(tenant.id);
        const html = Buffer.from('<!DOCTYPE html><script>alert(1)</script>');
        const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(200)]);
        for (const [bytes, name, type] of [
          [html, 'page.png', 'image/png'],
          [
            Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
            'a.svg',
            'image/svg+xml',
          ],
          [zip, 'a.zip', 'application/zip'],
          [randomBytes(1000), 'noise.bin', 'application/pdf'],
        ] as const) {
          const reply = await upload(tenant, 'alice', [
            ['chatId', chat],
            ['file', bytes, name, type],
          ]);
          expectProblem(reply, 415, 'unsupported_media_type');
        }
        await expectNothingStored(tenant.id, before);
      });

      it("follows the tenant's allow-list, and serves what it allows beyond the defaults only as a download", async () => {
        const strict = await createTenant(app);
        await upsertUser(strict.server(), 'u');
        const chatId = (
          await strict.server()('POST', '/v1/chats', { kind: 'group', title: 't', members: ['u'] })
        ).body.id;
        const patched = await strict.server()('PATCH', '/v1/tenant', {
          uploads: { allowedTypes: ['image/*', 'text/html'] },
        });
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
        expect(patched.body.settings.uploads.allowedTypes).toEqual(['image/*', 'text/html']);
        expectProblem(
          await upload(strict, 'u', [
            ['chatId', chatId],
            ['file', Buffer.from('%PDF-1.4\n'), 'a.pdf'],
          ]),
          415,
          'unsupported_media_type',
        );
        await uploadedTo(strict, chatId, await png(10, 10));
        const page = await upload(strict, 'u', [
          ['chatId', chatId],
          [
            'file',
            Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>'),
            'x.html',
          ],
        ]);
        expect(page.status).toBe(201);
        const served = await download(page.body.url);
        expect(served.headers.get('content-type')).toBe('text/html');
        expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
        expect(served.headers.get('x-content-type-options')).toBe('nosniff');
        expect(served.headers.get('content-security-policy')).toContain('sandbox');
        expectProblem(
          await strict.server()('PATCH', '/v1/tenant', { uploads: { allowedTypes: ['images'] } }),
          400,
          'validation_failed',
        );
      });

      const uploadedTo = async (as: TestTenant, chatId: string, bytes: Buffer): Promise<Attachment> => {
        const reply = await upload(as, 'u', [
          ['chatId', chatId],
          ['file', bytes, 'x.png'],
        ]);
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        return reply.body;
      };

      it('answers 400 to bad input and stores nothing', async () => {
        const before = await counts(tenant.id);
        const file: Part = ['file', Buffer.from('hello'), 'a.txt'];
        const cases: [Part[], string][] = [
          [[['chatId', chat]], 'body.file'],
          [[file], 'body.chatId'],
          [[['chatId', 'not-an-id'], file], 'body.chatId'],
          [[file, ['chatId', 'not-an-id']], 'body.chatId'],
          [[['chatId', chat], file, ['file', Buffer.from('again'), 'b.txt']], 'body.file'],
          [[['chatId', chat], ['chatId', chat], file], 'body.chatId'],
          [[['chatId', chat], ['caption', 'hi'], file], 'body.caption'],
          [
            [
              ['chatId', chat],
              ['upload', Buffer.from('x'), 'x.txt'],
            ],
            'body.upload',
          ],
          [
            [
              ['chatId', chat],
              ['file', 'not a file'],
            ],
            'body.file',
          ],
          [
            [
              ['chatId', chat],
              ['file', Buffer.alloc(0), 'empty.txt'],
            ],
            'body.file',
          ],
        ];
        for (const [parts, path] of cases) {
          const reply = await upload(tenant, 'alice', parts);
          expectProblem(reply, 400, 'validation_failed');
          expect(reply.body.errors?.[0]?.path, JSON.stringify(reply.body)).toBe(path);
        }
        const token = await tenant.token('alice');
        const auth = { 'x-api-key': tenant.publishableKey, authorization: `Bearer ${token}` };
        const json = await fetch(`${app.baseUrl}/v1/uploads`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ chatId: chat }),
        });
        expect(json.status).toBe(415);
        const none = await fetch(`${app.baseUrl}/v1/uploads`, { method: 'POST', headers: auth });
        expect(none.status).toBe(400);
        const broken = await fetch(`${app.baseUrl}/v1/uploads`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'multipart/form-data; boundary=xyz' },
          body:
            '--xyz\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n' +
            chat +
            '\r\n--xyz\r\nContent-Disp',
        });
        expect(broken.status).toBe(400);
        await expectNothingStored(tenant.id, before);
      });

      it("refuses uploads into a chat that is not the caller's, before or after the file", async () => {
        const before = await counts(tenant.id);
        const file: Part = ['file', Buffer.from('hello'), 'a.txt'];
        expectProblem(await upload(tenant, 'mallory', [['chatId', chat], file]), 404, 'not_found');
        expectProblem(await upload(tenant, 'mallory', [file, ['chatId', chat]]), 404, 'not_found');
        // The backend must say for whom it uploads.
        expectProblem(await upload(tenant, null, [['chatId', chat], file]), 400, 'validation_failed');
        // Another tenant does not see the chat at all.
        await upsertUser(other.server(), 'alice');
        expectProblem(await upload(other, 'alice', [['chatId', chat], file]), 404, 'not_found');
        await expectNothingStored(tenant.id, before);
        expect(await stored(other.id)).toEqual([]);
      });
    });

    describe('downloads', () => {
      let file: Attachment;
      beforeAll(async () => {
        file = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('secret plans'), 'plans.txt'],
        ]);
        const sent = await send(alice, chat, { text: 'see attached', attachments: [file.id] });
        expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      });
      const withParam = (url: string, name: string, value: string): string => {
        const parsed = new URL(url);
        parsed.searchParams.set(name, value);
        return parsed.toString();
      };

      it('refuses a tampered signed URL', async () => {
        expect((await download(file.url)).status).toBe(200);
        const sig = new URL(file.url).searchParams.get('sig')!;
        const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
        const exp = Number(new URL(file.url).searchParams.get('exp'));
        for (const url of [
          withParam(file.url, 'sig', flipped),
          withParam(file.url, 'exp', String(exp + 3600)),
          withParam(file.url, 'tenant', other.id),
          file.url.replace(
            file.id,
            (
              await uploaded([
                ['chatId', chat],
                ['file', Buffer.from('x'), 'x.txt'],
              ])
            ).id,
          ),
          file.url.replace('?', '/thumbnail?'),
        ]) {
          const reply = await download(url);
          expect(reply.status, url).toBe(403);
          expect(((await reply.json()) as { code: string }).code).toBe('forbidden');
        }
        for (const url of [withParam(file.url, 'sig', 'short'), withParam(file.url, 'exp', 'soon')]) {
          expect((await download(url)).status).toBe(400);
        }
      });

      it('refuses an expired signed URL', async () => {
        const urls = app.app.get(FileUrls);
        const past = Math.floor(Date.now() / 1000) - 1;
        const expired = urls.urlExpiringAt(trustTenantId(tenant.id), file.id, 'original', past);
        const reply = await download(expired);
        expect(reply.status).toBe(403);
        expect(((await reply.json()) as { detail: string }).detail).toMatch(/expired/);
        const later = urls.urlExpiringAt(trustTenantId(tenant.id), file.id, 'original', past + 120);
        expect((await download(later)).status).toBe(200);
      });

      it('serves the unsigned path to members only', async () => {
        const path = `/v1/files/${file.id}`;
        expect((await fetchAs(tenant, 'alice', path)).status).toBe(200);
        expect((await fetchAs(tenant, 'bob', path)).body).toBe('secret plans');
        expect((await fetchAs(tenant, null, path)).status).toBe(200);
        expectProblem(await fetchAs(tenant, 'mallory', path), 404, 'not_found');
        expectProblem(await fetchAs(tenant, null, `/v1/files/${file.id}/thumbnail`), 404, 'not_found');
        expectProblem(await fetchAs(null, null, path), 401, 'unauthenticated');
        // A member who leaves loses access.
        await bob('DELETE', `/v1/chats/${chat}/members/bob`);
        expectProblem(await fetchAs(tenant, 'bob', path), 404, 'not_found');
        await tenant.server()('POST', `/v1/chats/${chat}/members`, { members: ['bob'] });
        expect((await fetchAs(tenant, 'bob', path)).status).toBe(200);
      });

      it('keeps a file not yet sent to its uploader', async () => {
        const draft = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('draft'), 'draft.txt'],
        ]);
        expect((await fetchAs(tenant, 'alice', `/v1/files/${draft.id}`)).status).toBe(200);
        expectProblem(await fetchAs(tenant, 'bob', `/v1/files/${draft.id}`), 404, 'not_found');
      });

      it("never shows one tenant's files to another", async () => {
        await upsertUser(other.server(), 'alice');
        expectProblem(await fetchAs(other, 'alice', `/v1/files/${file.id}`), 404, 'not_found');
        expectProblem(await fetchAs(other, null, `/v1/files/${file.id}`), 404, 'not_found');
        // Another tenant's valid signature does not open this tenant's file.
        const urls = app.app.get(FileUrls);
        const forged = urls.url(trustTenantId(other.id), file.id, 'original');
        expectProblem({ ...(await toReply(await download(forged))) }, 404, 'not_found');
      });
    });

    describe('messages', () => {
      it('sends files without text as a `file` message whose attachments carry signed URLs', async () => {
        const image = await uploaded([
          ['chatId', chat],
          ['file', await png(64, 32), 'p.png'],
        ]);
        const doc = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('%PDF-1.4\n'), 'doc.pdf'],
        ]);
        const sent = await send(alice, chat, { attachments: [doc.id, image.id] });
        expect(sent.status, JSON.stringify(sent.body)).toBe(201);
        expect(sent.body).toMatchObject({ kind: 'file', text: null });
        expect(sent.body.attachments.map((a: Attachment) => [a.id, a.mime, a.width])).toEqual([
          [doc.id, 'application/pdf', undefined],
          [image.id, 'image/png', 64],
        ]);
        const history = await fetchAs(tenant, 'bob', `/v1/chats/${chat}/messages?limit=1`);
        const [seen] = history.body.data as Message[];
        // The send answers the message as a read of it does (URLs are signed anew on each answer).
        const unsigned = (message: Message) => ({
          ...message,
          attachments: message.attachments.map(({ url: _url, thumbnailUrl: _thumbnailUrl, ...rest }) => rest),
        });
        expect(unsigned(seen!)).toEqual(unsigned(sent.body as Message));
        expect((await download(seen!.attachments[1]!.thumbnailUrl!)).status).toBe(200);
        expect(await (await download(seen!.attachments[0]!.url)).text()).toBe('%PDF-1.4\n');
        const captioned = await send(alice, chat, {
          text: 'look',
          attachments: [
            (
              await uploaded([
                ['chatId', chat],
                ['file', Buffer.from('x'), 'x.txt'],
              ])
            ).id,
          ],
        });
        expect(captioned.body).toMatchObject({ kind: 'text', text: 'look' });
      });

      it('answers a resend with the original and its attachments', async () => {
        const file = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('once'), 'once.txt'],
        ]);
        const body = { clientId: crypto.randomUUID(), attachments: [file.id] };
        const first = await alice('POST', `/v1/chats/${chat}/messages`, body);
        const again = await alice('POST', `/v1/chats/${chat}/messages`, body);
        expect([first.status, again.status]).toEqual([201, 200]);
        expect(again.body.id).toBe(first.body.id);
        expect(again.body.attachments.map((a: Attachment) => a.id)).toEqual([file.id]);
      });

      it('attaches only your own uploads into the same chat, once, within the limits', async () => {
        const mine = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('a'), 'a.txt'],
        ]);
        const bobs = await uploaded(
          [
            ['chatId', chat],
            ['file', Buffer.from('b'), 'b.txt'],
          ],
          tenant,
          'bob',
        );
        const elsewhere = await uploaded([
          ['chatId', aliceOnly],
          ['file', Buffer.from('c'), 'c.txt'],
        ]);
        await upsertUser(other.server(), 'alice');
        const otherChat = (
          await other.server()('POST', '/v1/chats', { kind: 'group', title: 'o', members: ['alice'] })
        ).body.id;
        const foreign = await uploaded(
          [
            ['chatId', otherChat],
            ['file', Buffer.from('d'), 'd.txt'],
          ],
          other,
        );

        for (const id of [bobs.id, elsewhere.id, foreign.id, crypto.randomUUID()]) {
          const reply = await send(alice, chat, { attachments: [mine.id, id] });
          expectProblem(reply, 400, 'validation_failed');
          expect(reply.body.errors[0].path).toBe('body.attachments.1');
        }
        // Refused sends claimed nothing: the upload can still be sent.
        expect((await send(alice, chat, { attachments: [mine.id] })).status).toBe(201);
        expectProblem(await send(alice, chat, { attachments: [mine.id] }), 409, 'conflict');
        // The other tenant cannot attach this tenant's file either.
        const intruder = await other.user('alice');
        expectProblem(await send(intruder, otherChat, { attachments: [bobs.id] }), 400, 'validation_failed');

        expectProblem(await send(alice, chat, {}), 400, 'validation_failed');
        expectProblem(await send(alice, chat, { attachments: [] }), 400, 'validation_failed');
        const eleven = Array.from({ length: 11 }, () => crypto.randomUUID());
        expectProblem(await send(alice, chat, { attachments: eleven }), 400, 'validation_failed');
        expectProblem(await send(alice, chat, { attachments: [mine.id, mine.id] }), 400, 'validation_failed');
      });

      it('deletes the files of a deleted message', async () => {
        const image = await uploaded([
          ['chatId', chat],
          ['file', await png(20, 20), 'gone.png'],
        ]);
        const sent = await send(alice, chat, { attachments: [image.id] });
        const before = await rows(tenant.id);
        const deleted = await alice('DELETE', `/v1/chats/${chat}/messages/${sent.body.id}`);
        expect(deleted.status).toBe(200);
        expect(deleted.body.attachments).toEqual([]);
        expect((await stored(tenant.id)).filter((key) => key.includes(image.id))).toEqual([]);
        expect(await rows(tenant.id)).toBe(before - 1);
        expect((await download(image.url)).status).toBe(404);
        expectProblem(await fetchAs(tenant, 'alice', `/v1/files/${image.id}`), 404, 'not_found');
      });
    });

    describe('erasure and the sweeper', () => {
      it('erasing a user removes every file they uploaded, sent or not', async () => {
        await upsertUser(tenant.server(), 'dave');
        await tenant.server()('POST', `/v1/chats/${chat}/members`, { members: ['dave'] });
        const dave = await tenant.user('dave');
        const sentFile = await uploaded(
          [
            ['chatId', chat],
            ['file', Buffer.from('s'), 's.txt'],
          ],
          tenant,
          'dave',
        );
        const draft = await uploaded(
          [
            ['chatId', chat],
            ['file', await png(8, 8), 'd.png'],
          ],
          tenant,
          'dave',
        );
        expect((await send(dave, chat, { attachments: [sentFile.id] })).status).toBe(201);
        const kept = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('k'), 'k.txt'],
        ]);
        expect((await tenant.server()('DELETE', '/v1/users/dave')).status).toBe(204);
        const keys = await stored(tenant.id);
        expect(keys.filter((key) => key.includes(sentFile.id) || key.includes(draft.id))).toEqual([]);
        expect(keys).toContain(`${tenant.id}/${kept.id}/original`);
        const left = await db.query('SELECT id FROM attachments WHERE tenant_id = $1 AND uploader_id = $2', [
          tenant.id,
          'dave',
        ]);
        expect(left.rows).toEqual([]);
      });

      it('collects uploads never sent, once they are old enough', async () => {
        const sweeper = app.app.get(AttachmentSweeper);
        const draft = await uploaded([
          ['chatId', chat],
          ['file', await png(8, 8), 'old.png'],
        ]);
        const sentFile = await uploaded([
          ['chatId', chat],
          ['file', Buffer.from('s'), 's.txt'],
        ]);
        expect((await send(alice, chat, { attachments: [sentFile.id] })).status).toBe(201);
        await sweeper.sweep();
        expect(await stored(tenant.id)).toContain(`${tenant.id}/${draft.id}/original`);
        expect(await sweeper.sweep(0)).toBeGreaterThanOrEqual(1);
        const keys = await stored(tenant.id);
        expect(keys.filter((key) => key.includes(draft.id))).toEqual([]);
        expect(keys).toContain(`${tenant.id}/${sentFile.id}/original`);
        expectProblem(await fetchAs(tenant, 'alice', `/v1/files/${draft.id}`), 404, 'not_found');
        expect((await fetchAs(tenant, 'alice', `/v1/files/${sentFile.id}`)).status).toBe(200);
        // A swept upload cannot be sent any more.
        expectProblem(await send(alice, chat, { attachments: [draft.id] }), 400, 'validation_failed');
      });
    });
  });
}

async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
  };
}
