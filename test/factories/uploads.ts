import { expect } from 'vitest';
import type { Attachment } from '@parley/protocol';
import type { TestApp } from '../support/test-app.js';

export type MultipartPart =
  { name: string; value: string } | { name: string; filename: string; type: string; content: string };

/**
 * A `multipart/form-data` body built by hand, parts in the order given, for bad-upload tests that
 * need parts `FormData` will not make (unknown fields, two files, a truncated body). Text content only.
 */
export function multipartBody(
  parts: MultipartPart[],
  boundary = 'parley-test-boundary',
): { rawBody: string; contentType: string } {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`);
    if ('value' in part) {
      lines.push(`Content-Disposition: form-data; name="${part.name}"`, '', part.value);
    } else {
      lines.push(
        `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"`,
        `Content-Type: ${part.type}`,
        '',
        part.content,
      );
    }
  }
  lines.push(`--${boundary}--`, '');
  return { rawBody: lines.join('\r\n'), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a file (any bytes) into a chat through `POST /v1/uploads` and answers the Attachment. */
export async function uploadFile(
  app: TestApp,
  headers: Record<string, string>,
  chatId: string,
  file: { name: string; type: string; bytes: Uint8Array },
): Promise<Attachment> {
  const form = new FormData();
  // The chat first: the server checks it before it receives the file.
  form.append('chatId', chatId);
  form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  const response = await fetch(`${app.baseUrl}/v1/uploads`, { method: 'POST', headers, body: form });
  const body = (await response.json()) as Attachment;
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body;
}
