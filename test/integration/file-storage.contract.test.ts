import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@parley/config';
import { DiskStorage, S3Storage, type FileStorage } from '@parley/attachments';
import { startFakeS3, type FakeS3 } from '../support/fake-s3.js';

const read = async (stream: Readable | null): Promise<Buffer | null> => {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** A stream of `bytes` in 64 KiB pieces, failing after `failAfter` bytes when given. */
const streamOf = (bytes: Buffer, failAfter?: number): Readable =>
  Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 65_536) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('the client went away');
        yield bytes.subarray(at, at + 65_536);
      }
    })(),
  );

/** The storage port's contract: both adapters pass exactly these tests. */
function storageContract(
  name: string,
  open: () => Promise<{ storage: FileStorage; close(): Promise<void> }>,
) {
  describe(`file storage (${name})`, () => {
    let storage: FileStorage;
    let close: () => Promise<void>;
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const key = (name: string) => `${prefix}/${name}`;

    beforeAll(async () => {
      ({ storage, close } = await open());
    });
    afterAll(async () => close?.());

    it('stores a streamed object and reads it back whole and by range', async () => {
      const bytes = randomBytes(300_000);
      await storage.put(key('a/original'), streamOf(bytes), { size: bytes.length, contentType: 'image/png' });
      expect((await read(await storage.get(key('a/original'))))!.equals(bytes)).toBe(true);
      const part = await read(await storage.get(key('a/original'), { start: 1000, end: 1999 }));
      expect(part!.equals(bytes.subarray(1000, 2000))).toBe(true);
      const last = await read(
        await storage.get(key('a/original'), { start: bytes.length - 1, end: bytes.length - 1 }),
      );
      expect([...last!]).toEqual([bytes[bytes.length - 1]]);
    });

    it('answers null for an object that is not there', async () => {
      expect(await storage.get(key('nothing/original'))).toBeNull();
    });

    it('replaces an object put again under the same key', async () => {
      await storage.put(key('b/original'), streamOf(Buffer.from('one')), {
        size: 3,
        contentType: 'text/plain',
      });
      await storage.put(key('b/original'), streamOf(Buffer.from('second')), {
        size: 6,
        contentType: 'text/plain',
      });
      expect((await read(await storage.get(key('b/original'))))!.toString()).toBe('second');
    });

    it('lists keys by prefix', async () => {
      await storage.put(key('c/original'), streamOf(Buffer.from('x')), {
        size: 1,
        contentType: 'text/plain',
      });
      await storage.put(key('c/thumbnail'), streamOf(Buffer.from('y')), {
        size: 1,
        contentType: 'image/webp',
      });
      expect((await storage.list(`${prefix}/c/`)).sort()).toEqual([key('c/original'), key('c/thumbnail')]);
      expect(await storage.list(`${prefix}/none/`)).toEqual([]);
    });

    it('deletes, and deleting again or deleting nothing is not an error', async () => {
      await storage.put(key('d/original'), streamOf(Buffer.from('x')), {
        size: 1,
        contentType: 'text/plain',
      });
      await storage.delete(key('d/original'));
      await storage.delete(key('d/original'));
      await storage.delete(key('never/original'));
      expect(await storage.get(key('d/original'))).toBeNull();
      expect(await storage.list(`${prefix}/d/`)).toEqual([]);
    });

    it('leaves nothing when the body fails midway', async () => {
      const bytes = randomBytes(500_000);
      await expect(
        storage.put(key('e/original'), streamOf(bytes, 200_000), {
          size: bytes.length,
          contentType: 'video/mp4',
        }),
      ).rejects.toThrow();
      expect(await storage.get(key('e/original'))).toBeNull();
      expect(await storage.list(`${prefix}/e/`)).toEqual([]);
    });

    it('refuses keys that are not plain segments', async () => {
      for (const bad of ['../x', `${prefix}/../../etc/passwd`, '/abs', `${prefix}//x`, `${prefix}/A`]) {
        await expect(
          storage.put(bad, streamOf(Buffer.from('x')), { size: 1, contentType: 'text/plain' }),
        ).rejects.toThrow(/Not a storage key/);
      }
    });
  });
}

let dataDir: string;
storageContract('local disk', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-disk-'));
  const storage = new DiskStorage(join(dataDir, 'uploads'));
  return {
    storage,
    close: async () => {
      // No temporary files are left beside the objects.
      const leftovers = await readdir(join(dataDir, 'uploads'), { recursive: true });
      expect(leftovers.filter((name) => String(name).includes('.partial-'))).toEqual([]);
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

let s3: FakeS3;
storageContract('S3 (s3rver)', async () => {
  s3 = await startFakeS3();
  const storage = S3Storage.fromConfig(parseConfig(s3.env).s3!);
  return {
    storage,
    close: async () => {
      await storage.close();
      await s3.stop();
    },
  };
});
