/**
 * Pure helpers of the message view: rows with day separators and sender groups, day labels,
 * safe links, sizes. No DOM, no Lit: unit-tested in `format.spec.ts`.
 */

/** What `buildRows` needs of a message (the SDK's `LocalMessage` has it all). */
export interface RowSource {
  key: string;
  senderId: string | null;
  createdAt: string;
  kind: string;
}

export type Row<M extends RowSource> =
  | { type: 'day'; key: string; day: string }
  | { type: 'message'; key: string; message: M; first: boolean; last: boolean };

/** Consecutive messages of one sender closer than this form a group (one name, one time). */
export const GROUP_GAP_MS = 5 * 60_000;

/** `YYYY-MM-DD` of an instant in the viewer's time zone. */
export function dayOf(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The rows of a message list: a day separator before the first message of each day, and each
 * message marked `first`/`last` of its group (same sender, same day, less than `gapMs` apart).
 */
export function buildRows<M extends RowSource>(messages: readonly M[], gapMs = GROUP_GAP_MS): Row<M>[] {
  const rows: Row<M>[] = [];
  let previous: M | undefined;
  let day = '';
  let last: Extract<Row<M>, { type: 'message' }> | undefined;
  for (const message of messages) {
    const today = dayOf(message.createdAt);
    const together =
      previous !== undefined &&
      today === day &&
      message.kind !== 'system' &&
      previous.kind !== 'system' &&
      previous.senderId === message.senderId &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < gapMs;
    if (today !== day) rows.push({ type: 'day', key: `day:${today}`, day: today });
    if (last && !together) last.last = true;
    last = { type: 'message', key: message.key, message, first: !together, last: false };
    rows.push(last);
    previous = message;
    day = today;
  }
  if (last) last.last = true;
  return rows;
}

/** "Today", "Yesterday", or the date in the viewer's language. */
export function dayLabel(
  day: string,
  now: Date,
  language: string,
  words: { today: string; yesterday: string },
): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.round((midnight.getTime() - date.getTime()) / 86_400_000);
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  return new Intl.DateTimeFormat(language, {
    weekday: days < 7 ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  }).format(date);
}

/** Hours and minutes of a message, in the viewer's language. */
export function timeOf(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

export type Segment = { text: string; href?: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the link. */
const TRAILING = /[.,;:!?'")\]}]+$/;

/**
 * Splits text into plain segments and links. Only `http:` and `https:` URLs become links (a
 * `javascript:` or `data:` text stays text); trailing punctuation stays outside the link, except a
 * closing parenthesis the link opened. The caller renders every segment as text.
 */
export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let candidate = match[0];
    const trail = TRAILING.exec(candidate)?.[0] ?? '';
    candidate = candidate.slice(0, candidate.length - trail.length);
    // Keep a ")" that closes a "(" inside the link (Wikipedia-style URLs).
    if (trail.startsWith(')') && candidate.includes('(') && !candidate.includes(')')) candidate += ')';
    const href = safeHref(candidate);
    if (!href) continue;
    const start = match.index;
    if (start > at) segments.push({ text: text.slice(at, start) });
    segments.push({ text: candidate, href });
    at = start + candidate.length;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}

/** The URL if it parses and is http(s), else null. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** "2.4 MB": a file size for people. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Who is typing, as one sentence. */
export function typingText(
  names: readonly string[],
  words: { one: string; two: string; many: string },
): string {
  const fill = (pattern: string): string =>
    pattern.replace('{a}', names[0] ?? '').replace('{b}', names[1] ?? '');
  if (names.length === 0) return '';
  if (names.length === 1) return fill(words.one);
  if (names.length === 2) return fill(words.two);
  return words.many;
}
