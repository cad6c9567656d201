import { z } from 'zod';
import { MessageSchema } from './messages.js';
import { IdSchema, QueryIntSchema, safeString } from './primitives.js';

/** The longest search query, in UTF-16 units after trimming. */
export const SEARCH_QUERY_MAX_LENGTH = 256;

/**
 * `GET /v1/search`. `q` uses web-search syntax (as Postgres' `websearch_to_tsquery`): words must all
 * occur, `"a phrase"` in that order, `-word` must not occur, `or` between alternatives. Words are
 * matched whole and case-insensitively, not stemmed.
 */
export const SearchQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .pipe(safeString(1, SEARCH_QUERY_MAX_LENGTH))
    .describe('Words to find; `"phrase"`, `-exclude`, `a or b`'),
  chatId: IdSchema.optional().describe('Only this chat (the caller must belong to it)'),
  cursor: z.string().max(512).optional().describe('`nextCursor` of the previous page'),
  limit: QueryIntSchema.optional(),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchMatchSchema = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type SearchMatch = z.infer<typeof SearchMatchSchema>;

/**
 * Where a hit matched, as plain text and offsets — never markup. A client renders `text` as text
 * nodes and wraps each `[start, end)` span (UTF-16 offsets, ascending, not overlapping) in its own
 * highlight element; message text can therefore never inject HTML through a highlight.
 */
export const SearchHighlightSchema = z.object({
  text: z
    .string()
    .describe(
      "The message text, or for a long message an excerpt around the first match with '…' where it was cut",
    ),
  matches: z.array(SearchMatchSchema).describe('Matched words in `text`: [start, end) UTF-16 offsets'),
});
export type SearchHighlight = z.infer<typeof SearchHighlightSchema>;

/** One result of `GET /v1/search`, answered in a List, newest message first. */
export const SearchHitSchema = z.object({ message: MessageSchema, highlight: SearchHighlightSchema });
export type SearchHit = z.infer<typeof SearchHitSchema>;
