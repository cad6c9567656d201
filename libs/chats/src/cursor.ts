import { InvalidCursorError } from './chats.errors.js';

/** Opaque keyset cursors: a tuple of strings, base64url-encoded so clients do not build them. */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === arity &&
      parts.every((p) => typeof p === 'string' && p.length < 256)
    ) {
      return parts as string[];
    }
  } catch {
    // Falls through to the same error as a well-formed but foreign cursor.
  }
  throw new InvalidCursorError();
}
