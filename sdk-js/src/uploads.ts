import type { Attachment } from '@parley/protocol';
import type { ClientContext } from './context.js';
import { ParleyError } from './errors.js';
import { randomId } from './ids.js';

/** A file to upload: a `File` or `Blob` (browsers, Node 20), or bytes with a name. */
export type UploadSource = Blob | { data: Blob | Uint8Array; name: string; type?: string };

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes to send in all (the request body, slightly more than the file). */
  total: number;
}

export interface UploadOptions {
  /** Called as the bytes go out: several times for a large file, and once at the end with `loaded === total`. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload (it rejects with code `closed`). */
  signal?: AbortSignal;
}

interface RawAnswer {
  status: number;
  text: string;
}

/** The part of `XMLHttpRequest` used here, typed without the DOM library. */
interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: unknown): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  upload: {
    onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;
  };
}

/**
 * `POST /v1/uploads`: multipart with the field `chatId` first (so a refusal comes before the file is
 * sent) and the file in `file`. Progress comes from `XMLHttpRequest` in browsers and from the bytes
 * fetch pulls from a stream in Node. A refused token is renewed through the provider and the upload
 * made once more. Resolves with the Attachment to pass to `send()`.
 */
export async function upload(
  context: ClientContext,
  chatId: string,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<Attachment> {
  const file = toBlob(source);
  const tokens = context.tokens();
  const url = `${context.baseUrl.replace(/\/+$/, '')}/v1/uploads`;
  const send = async (token: string): Promise<RawAnswer> => {
    const headers = {
      'x-api-key': context.apiKey,
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    const Request = (globalThis as { XMLHttpRequest?: new () => Xhr }).XMLHttpRequest;
    return Request
      ? viaXhr(new Request(), url, headers, chatId, file, options)
      : viaFetch(context, url, headers, chatId, file, options);
  };
  let answer = await send(await tokens.current());
  if (answer.status === 401 && tokens.canRefresh) answer = await send(await tokens.refresh());
  const body = answer.text ? (JSON.parse(answer.text) as unknown) : undefined;
  if (answer.status === 201 || answer.status === 200) return body as Attachment;
  const problem = (body ?? {}) as { code?: string; detail?: string; requestId?: string };
  throw new ParleyError(
    (problem.code as ParleyError['code'] | undefined) ?? 'internal',
    problem.detail ?? `Upload failed with HTTP ${answer.status}`,
    { status: answer.status, requestId: problem.requestId ?? null },
  );
}

function toBlob(source: UploadSource): Blob & { name?: string } {
  if (source instanceof Blob) return source;
  const blob =
    source.data instanceof Blob
      ? source.data
      : new Blob([source.data] as unknown as ConstructorParameters<typeof Blob>[0], {
          type: source.type ?? '',
        });
  return Object.assign(blob, { name: source.name });
}

function fileName(file: Blob & { name?: string }): string {
  return typeof file.name === 'string' && file.name ? file.name : 'file';
}

function viaXhr(
  xhr: Xhr,
  url: string,
  headers: Record<string, string>,
  chatId: string,
  file: Blob & { name?: string },
  options: UploadOptions,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('chatId', chatId);
    form.append('file', file, fileName(file));
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) =>
      options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(new ParleyError('network_error', 'The upload failed on the network'));
    xhr.onabort = () => reject(new ParleyError('closed', 'The upload was aborted'));
    if (options.signal?.aborted) return xhr.onabort();
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/** Node (no XMLHttpRequest): the multipart body as a stream, counting what fetch takes from it. */
async function viaFetch(
  context: ClientContext,
  url: string,
  headers: Record<string, string>,
  chatId: string,
  file: Blob & { name?: string },
  options: UploadOptions,
): Promise<RawAnswer> {
  const boundary = `parley-${randomId()}`;
  const name = fileName(file).replace(/["\r\n\\]/g, '_');
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n${chatId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      `Content-Type: ${file.type || 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const total = head.length + file.size + tail.length;
  let loaded = 0;
  const parts: (() => AsyncIterable<Uint8Array> | Iterable<Uint8Array>)[] = [
    () => [head],
    () => file.stream() as unknown as AsyncIterable<Uint8Array>,
    () => [tail],
  ];
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const part of parts) for await (const chunk of part()) yield chunk;
  }
  const iterator = chunks();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      loaded += next.value.byteLength;
      controller.enqueue(next.value);
      options.onProgress?.({ loaded, total });
    },
  });
  const init = {
    method: 'POST',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
    ...(options.signal ? { signal: options.signal } : {}),
  } as RequestInit;
  try {
    const response = await context.fetch(url, init);
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (options.signal?.aborted) throw new ParleyError('closed', 'The upload was aborted');
    throw new ParleyError('network_error', `The upload failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
