import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { S3Config } from '@parley/config';
import { checkKey, FileStorage, type ByteRange } from './file-storage.js';

const LATE_WRITE_MS = 500;

/**
 * Any S3-compatible store (AWS S3, MinIO, Cloudflare R2, Ceph…) through the AWS SDK. Objects are
 * written with one PutObject of known length (uploads are spooled first), which S3 makes visible
 * whole or not at all.
 */
export class S3Storage extends FileStorage {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    super();
  }

  static fromConfig(config: S3Config): S3Storage {
    const client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Checksums only where S3 requires them: the SDK's default adds `aws-chunked` trailing
      // checksums to streamed uploads, which many S3-compatible stores do not understand (they store
      // the chunk framing as the object's bytes).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new S3Storage(client, config.bucket);
  }

  async put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void> {
    checkKey(key);
    // The SDK pipes the body into the request and would wait forever on a body that fails: a failing
    // body aborts the request instead, and S3 then stores nothing.
    const abort = new AbortController();
    let failure: Error | undefined;
    const onError = (error: Error): void => {
      failure = error;
      abort.abort(error);
    };
    body.once('error', onError);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: info.size,
          ContentType: info.contentType,
        }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      // S3 stores nothing of an upload cut short, but some S3-compatible stores (s3rver among them)
      // keep what arrived, and may finish writing it after they answered: remove it now and again a
      // moment later.
      await this.delete(key).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, LATE_WRITE_MS));
      await this.delete(key).catch(() => undefined);
      throw failure ?? error;
    } finally {
      body.off('error', onError);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: checkKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      // In Node the body is the HTTP response itself: a Readable.
      return answer.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
