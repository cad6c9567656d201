import type { Readable } from 'node:stream';

/** Inclusive byte offsets, as in an HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where uploaded files live: local disk (the embedded default) or an S3-compatible store. Both pass
 * one contract suite (test/integration/file-storage.contract.test.ts). Keys are `a-z0-9-` segments
 * joined by `/`; an object appears whole or not at all.
 */
export abstract class FileStorage {
  /** Streams `body` (exactly `size` bytes) into the object `key`, replacing any object there. */
  abstract put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void>;

  /** The object's bytes (or a range of them), or null when there is no such object. */
  abstract get(key: string, range?: ByteRange): Promise<Readable | null>;

  /** Removes the object; removing one that is not there is not an error. */
  abstract delete(key: string): Promise<void>;

  /** Keys that start with `prefix`, in no particular order. */
  abstract list(prefix: string): Promise<string[]>;

  /** Releases connections; the storage is not used afterwards. */
  abstract close(): Promise<void>;
}

const KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
  return key;
}
