import { z } from 'zod';

// Postgres text and jsonb cannot hold U+0000; refusing it here keeps it a 400 instead of a 500.
const NUL = '\u0000';
const noNul = (value: string): boolean => !value.includes(NUL);

/** A string of `min..max` UTF-16 units that Postgres can store. */
export const safeString = (min: number, max: number) =>
  z.string().min(min).max(max).refine(noNul, { message: 'must not contain NUL characters' });

/** The tenant's own user id: 1–128 characters of `A-Za-z0-9_.@-`. */
export const UserIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.@-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 _ . @ -');
export type UserId = z.infer<typeof UserIdSchema>;

/**
 * Server-generated ids are UUIDs; clients must treat them as opaque strings. One written in capitals
 * (Swift's `UUID().uuidString` is) names the same row to Postgres but not to anything that compares
 * strings: socket rooms, caches, the writer's check that a resend is for the same chat. So an id is
 * read in the lower case Parley writes it in.
 */
export const IdSchema = z
  .uuid({ message: 'must be an id issued by Parley' })
  .overwrite((id) => id.toLowerCase());

/** Client-generated idempotency key of a send: 1–128 visible ASCII characters. */
export const ClientIdSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 visible ASCII characters');

/** A decimal integer in a query string (seq, version, limit). */
export const QueryIntSchema = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .transform(Number);

export const TimestampSchema = z.iso.datetime({ offset: true });

/**
 * Parsed JSON as text again, or null when it nests deeper than `JSON.stringify` can recurse (a few
 * thousand levels fit in a body of 30 KB): such input is refused as invalid, not answered with a 500.
 */
export function jsonOrNull(value: unknown): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

const JSON_METADATA_MAX_BYTES = 8192;
/** Free-form JSON object a tenant attaches to a user or chat; at most 8 KiB serialised. */
export const MetadataSchema = z.record(z.string(), z.unknown()).refine((value) => {
  const json = jsonOrNull(value);
  return (
    json !== null &&
    new TextEncoder().encode(json).length <= JSON_METADATA_MAX_BYTES &&
    !json.includes('\\u0000')
  );
}, `must serialise to at most ${JSON_METADATA_MAX_BYTES} bytes of JSON without NUL characters`);

/** A cursor-paginated page. Messages inside `data` always ascend by seq. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
export type List<T> = { data: T[]; nextCursor: string | null };

export const CursorQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: QueryIntSchema.optional(),
});
