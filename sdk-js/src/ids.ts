/**
 * A random UUID (v4) for a send's `clientId`. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost); a page on plain http still has `getRandomValues`.
 */
export function randomId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A chat or message id as the server writes it: Parley's ids are UUIDs in lower case, and one given in
 * capitals (SQL Server and Swift print UUIDs so) would not match the ids of the server's events.
 */
export function asServerId(id: string): string {
  return id.toLowerCase();
}
