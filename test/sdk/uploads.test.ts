import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient, UploadProgress } from '@parley/sdk';
import { createTenant, upsertUser, type TestTenant } from '../factories/tenants.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, expectSameAsServer, newClient } from './support.js';

describe('SDK: uploads', () => {
  let app: TestApp;
  let tenant: TestTenant;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, { limits: { uploadBytes: 4_000_000 } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await app?.close();
  });

  async function connect(userId: string): Promise<ParleyClient> {
    await upsertUser(tenant.server(), userId);
    const client = newClient(app.baseUrl, tenant);
    clients.push(client);
    await client.connect(() => tenant.token(userId));
    return client;
  }

  it('uploads with progress, sends the file, and the other member gets it', async () => {
    const wes = await connect('wes');
    const xan = await connect('xan');
    const chat = await wes.chats.openDirect('xan');
    const xanChat = await xan.chats.open(chat.id);
    const text = 'a line of notes, long enough to take a while\n'.repeat(60_000); // 2.7 MB
    const progress: UploadProgress[] = [];
    const file = new File([text], 'notes.txt', { type: 'text/plain' });
    const attachment = await chat.upload(file, { onProgress: (p) => progress.push(p) });
    expect(attachment).toMatchObject({ name: 'notes.txt', mime: 'text/plain', size: file.size });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)!.loaded).toBe(progress.at(-1)!.total);
    expect(progress.map((p) => p.loaded)).toEqual([...progress.map((p) => p.loaded)].sort((a, b) => a - b));

    const sending = chat.send(null, { attachments: [attachment] });
    expect(chat.getState().messages.at(-1)).toMatchObject({
      kind: 'file',
      text: null,
      status: 'sending',
      attachments: [{ id: attachment.id, name: 'notes.txt' }],
    });
    const stored = await sending;
    expect(stored).toMatchObject({ kind: 'file', attachments: [{ id: attachment.id, size: file.size }] });
    await eventually(() =>
      expect(
        xanChat
          .getState()
          .messages.at(-1)
          ?.attachments.map((a) => a.id),
      ).toEqual([attachment.id]),
    );
    const url = xanChat.getState().messages.at(-1)!.attachments[0]!.url;
    // Signed for PUBLIC_URL (unset in tests): the same path and query on the test server.
    const signed = new URL(url, app.baseUrl);
    const download = await fetch(app.baseUrl + signed.pathname + signed.search);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(text);

    const captioned = await chat.upload({ data: new TextEncoder().encode('a caption file'), name: 'c.txt' });
    await chat.send('with a caption', { attachments: [captioned.id] });
    await expectSameAsServer(chat, tenant, 'wes');
  });

  it('rejects what the tenant does not take, with the server’s code', async () => {
    const yul = await connect('yul');
    await upsertUser(tenant.server(), 'zed');
    const chat = await yul.chats.openDirect('zed');
    await expect(chat.upload({ data: randomBytes(5_000), name: 'noise.bin' })).rejects.toMatchObject({
      code: 'unsupported_media_type',
      status: 415,
    });
    await expect(
      chat.upload(new File(['x'.repeat(4_100_000)], 'big.txt', { type: 'text/plain' })),
    ).rejects.toMatchObject({ code: 'payload_too_large', status: 413 });
    const aborted = new AbortController();
    const pending = chat.upload(new File(['y'.repeat(3_000_000)], 'slow.txt'), {
      signal: aborted.signal,
      onProgress: () => aborted.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
  });
});
