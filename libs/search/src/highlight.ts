import type { SearchHighlight, SearchMatch } from '@parley/protocol';

/**
 * Both backends mark matches with these two control characters (Postgres' `ts_headline` StartSel and
 * StopSel, Elasticsearch's pre/post tags) around the text they were given. The text they are given has
 * these characters replaced by spaces (`withoutMarkers`), one UTF-16 unit for one, so a message cannot
 * forge a match and every offset found in the marked text is an offset into the real text.
 */
export const MATCH_START = '\u0001';
export const MATCH_END = '\u0002';
const MARKERS = new RegExp(`[${MATCH_START}${MATCH_END}]`, 'g');

/** Messages up to this long are returned whole; longer ones as an excerpt around the first match. */
export const EXCERPT_LENGTH = 300;
/** How much of the text before the first match an excerpt keeps. */
const EXCERPT_LEAD = 60;
/** How far an excerpt's edge may move to land between words instead of inside one. */
const WORD_SNAP = 20;
const ELLIPSIS = '…';

export const withoutMarkers = (text: string): string => text.replace(MARKERS, ' ');

/**
 * The wire highlight of a hit: plain text and the spans that matched. `marked` is the backend's
 * rendering of `text` with markers; when it is missing or does not belong to `text` (an index that has
 * not caught up with an edit), the text comes back with no spans rather than with wrong ones.
 */
export function toHighlight(text: string, marked: string | null): SearchHighlight {
  const matches = marked === null ? null : parseMarked(withoutMarkers(text), marked);
  return excerpt(text, matches ?? []);
}

/** The spans between markers, or null when `marked` without its markers is not `plain`. */
function parseMarked(plain: string, marked: string): SearchMatch[] | null {
  const matches: SearchMatch[] = [];
  let offset = 0;
  let open: number | null = null;
  for (const char of marked) {
    if (char === MATCH_START) {
      if (open === null) open = offset;
    } else if (char === MATCH_END) {
      if (open !== null && offset > open) addMatch(matches, open, offset);
      open = null;
    } else {
      if (plain.startsWith(char, offset)) offset += char.length;
      else return null;
    }
  }
  return offset === plain.length ? matches : null;
}

/** Adjacent spans (a word split by a backend's tokenizer) become one. */
function addMatch(matches: SearchMatch[], start: number, end: number): void {
  const last = matches.at(-1);
  if (last && last.end === start) last.end = end;
  else matches.push({ start, end });
}

function excerpt(text: string, matches: SearchMatch[]): SearchHighlight {
  if (text.length <= EXCERPT_LENGTH) return { text, matches };
  const first = matches[0]?.start ?? 0;
  let start = snapToWordStart(text, Math.max(0, first - EXCERPT_LEAD), first);
  let end = snapToWordEnd(text, Math.min(text.length, start + EXCERPT_LENGTH), start);
  start = notInsidePair(text, start);
  end = notInsidePair(text, end);
  const prefix = start > 0 ? ELLIPSIS : '';
  const shift = prefix.length - start;
  return {
    text: prefix + text.slice(start, end) + (end < text.length ? ELLIPSIS : ''),
    matches: matches
      .filter((m) => m.start >= start && m.end <= end)
      .map((m) => ({ start: m.start + shift, end: m.end + shift })),
  };
}

/** Moves `index` forward to just after a space, if one is near and before `limit`. */
function snapToWordStart(text: string, index: number, limit: number): number {
  if (index === 0) return 0;
  for (let i = index; i < Math.min(limit, index + WORD_SNAP); i++) if (/\s/.test(text[i - 1]!)) return i;
  return index;
}

/** Moves `index` back to a space, if one is near and after `floor`. */
function snapToWordEnd(text: string, index: number, floor: number): number {
  if (index >= text.length) return text.length;
  for (let i = index; i > Math.max(floor, index - WORD_SNAP); i--) if (/\s/.test(text[i]!)) return i;
  return index;
}

/** Never cuts a surrogate pair (an emoji, say) in half. */
function notInsidePair(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return index > 0 && index < text.length && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}
