import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, FileStorage, type ByteRange } from './file-storage.js';

const TEMP_MARK = '.partial-';

/**
 * Files on local disk under one root (`PARLEY_DATA_DIR/uploads`), a key being a relative path. An
 * object is written beside its final name and renamed into place once complete, so a reader never
 * sees half a file and a failed write leaves nothing behind.
 */
export class DiskStorage extends FileStorage {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async put(key: string, body: Readable, info: { size: number }): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}${TEMP_MARK}${randomUUID()}`;
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      if (written !== info.size) throw new Error(`Expected ${info.size} bytes for ${key}, got ${written}`);
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    // Opened first, so that a missing file is a null answer rather than an error on the stream.
    const handle = await open(this.pathOf(key), 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!handle) return null;
    return createReadStream('', { fd: handle, ...(range ?? {}) });
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    // Leave no empty folders behind: tenant/id/ goes with its last object (a race with a new put in
    // the same folder only makes this rmdir fail, which is harmless).
    for (let dir = dirname(path); dir !== this.root && dir.startsWith(this.root); dir = dirname(dir)) {
      const removed = await rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string, relative: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const entry of entries) {
        const key = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(join(dir, entry.name), key);
        else if (!entry.name.includes(TEMP_MARK) && key.startsWith(prefix)) keys.push(key);
      }
    };
    await walk(this.root, '');
    return keys;
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }
}
