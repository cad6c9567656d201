import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadUploadFormError, NotMultipartError, UploadTooLargeError } from './attachments.errors.js';
import { SNIFF_HEAD_BYTES, type SniffSource } from './sniff.js';

/** An uploaded file, written to a spool file on disk (never held in memory). */
export interface SpooledFile extends SniffSource {
  path: string;
  /** The name the client gave, unsanitised. */
  clientName: string | undefined;
  /** Removes the spool file; safe to call more than once. */
  discard(): Promise<void>;
}

export interface UploadForm {
  fields: Record<string, string>;
  file: SpooledFile;
}

export interface ReceiveOptions {
  maxFileBytes: number;
  spoolDir: string;
  /**
   * Called once when the file starts, with the fields that came before it: refusing there (a chat
   * the caller is not in) spares receiving the file at all.
   */
  beforeFile?: (fields: Record<string, string>) => Promise<void>;
}

const FILE_FIELD = 'file';
const FIELD_NAMES = new Set(['chatId']);
/** After a refusal, at most this much more of the body is read (and discarded) before the socket is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a `multipart/form-data` upload: a few small fields and exactly one file in the field `file`,
 * which is streamed to a spool file under `spoolDir` while its size is counted. Past `maxFileBytes`,
 * or on any malformed or unexpected part, the spool file is removed and the answer is an error; the
 * rest of the body is drained first, so that the client reads the error instead of a reset.
 */
export function receiveUpload(request: IncomingMessage, options: ReceiveOptions): Promise<UploadForm> {
  return new Promise<UploadForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let spoolPath: string | null = null;
    let file: { clientName: string | undefined; size: number; head: Buffer } | null = null;
    let writing: Promise<void> | null = null;
    let writer: Transform | null = null;
    let failed = false;

    const discard = async (): Promise<void> => {
      if (spoolPath) await unlink(spoolPath).catch(() => undefined);
    };

    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      parser.removeAllListeners('close');
      // Stops a spool write in progress; the spool file goes once that write has stopped.
      writer?.destroy();
      const answer = (): void =>
        void Promise.resolve(writing)
          .then(discard)
          .then(() => reject(error));
      if (request.readableEnded || request.destroyed) return answer();
      // Drain what the client is still sending, then answer; a client sending far more is cut off.
      let drained = 0;
      request.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > DRAIN_LIMIT_BYTES) request.destroy();
      });
      request.once('end', answer);
      request.once('close', answer);
      request.resume();
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        // Browsers and fetch send file names as raw UTF-8.
        defParamCharset: 'utf8',
        limits: {
          files: 1,
          fields: 10,
          fieldSize: 1024,
          parts: 12,
          headerPairs: 20,
          // One byte over the limit is what tells a file over it from one exactly at it.
          fileSize: options.maxFileBytes + 1,
        },
      });
    } catch {
      const type = request.headers['content-type'];
      const error = type?.toLowerCase().startsWith('multipart/form-data')
        ? new BadUploadFormError('body', 'is not valid multipart/form-data (a boundary is missing)')
        : type
          ? new NotMultipartError(type)
          : new BadUploadFormError(
              'body',
              'must be multipart/form-data with a field "chatId" and a field "file"',
            );
      request.resume();
      reject(error);
      return;
    }

    parser.on('field', (name, value, info) => {
      if (failed) return;
      if (name === FILE_FIELD)
        return fail(new BadUploadFormError('body.file', 'must be a file, not a text field'));
      if (!FIELD_NAMES.has(name))
        return fail(new BadUploadFormError(`body.${name}`, 'is not a field of an upload'));
      if (name in fields) return fail(new BadUploadFormError(`body.${name}`, 'must be given once'));
      if (info.valueTruncated) return fail(new BadUploadFormError(`body.${name}`, 'is too long'));
      fields[name] = value;
    });

    parser.on('file', (name, stream, info) => {
      if (failed) return void stream.resume();
      if (name !== FILE_FIELD) {
        stream.resume();
        return fail(
          new BadUploadFormError(`body.${name}`, 'is not a field of an upload; send the file as "file"'),
        );
      }
      writing = spool(stream, info.filename).catch((error: Error) => fail(error));
    });

    const spool = async (
      stream: NodeJS.ReadableStream & { truncated?: boolean },
      clientName: string | undefined,
    ) => {
      stream.pause();
      if (options.beforeFile) await options.beforeFile({ ...fields });
      if (failed) return void stream.resume();
      await mkdir(options.spoolDir, { recursive: true });
      if (failed) return void stream.resume();
      spoolPath = join(options.spoolDir, randomUUID());
      const chunks: Buffer[] = [];
      let size = 0;
      let headBytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (headBytes < SNIFF_HEAD_BYTES) {
            const part = chunk.subarray(0, SNIFF_HEAD_BYTES - headBytes);
            chunks.push(Buffer.from(part));
            headBytes += part.length;
          }
          done(null, chunk);
        },
      });
      writer = counter;
      // Past the limit busboy would skip the rest of the file: refuse at once instead.
      stream.once('limit', () => fail(new UploadTooLargeError(options.maxFileBytes)));
      await pipeline(stream, counter, createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 }));
      if (failed || stream.truncated || size > options.maxFileBytes)
        throw new UploadTooLargeError(options.maxFileBytes);
      file = { clientName, size, head: Buffer.concat(chunks) };
    };

    parser.on('filesLimit', () => fail(new BadUploadFormError('body.file', 'must be exactly one file')));
    parser.on('fieldsLimit', () => fail(new BadUploadFormError('body', 'has too many fields')));
    parser.on('partsLimit', () => fail(new BadUploadFormError('body', 'has too many parts')));
    parser.on('error', (error: Error) =>
      fail(new BadUploadFormError('body', `is not valid multipart/form-data (${error.message})`)),
    );
    parser.on('close', () => {
      void (async () => {
        await writing;
        if (failed) return;
        if (!file || !spoolPath) return fail(new BadUploadFormError('body.file', 'is required'));
        const path = spoolPath;
        const { clientName, size, head } = file;
        resolve({
          fields,
          file: {
            path,
            clientName,
            size,
            head,
            readAt: (offset, length) => readAt(path, offset, length),
            discard,
          },
        });
      })();
    });
    request.on('close', () => {
      if (!request.complete) fail(new BadUploadFormError('body', 'ended before the upload was complete'));
    });
    request.pipe(parser);
  });
}

async function readAt(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
