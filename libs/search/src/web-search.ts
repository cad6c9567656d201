/**
 * The web-search syntax of `q`, read the way Postgres' `websearch_to_tsquery` reads it, so that the
 * Elasticsearch backend answers the same query the same way: words must all occur, `"a phrase"` must
 * occur in order, `-word` or `-"a phrase"` must not occur, and `or` between two terms makes either one
 * do. `a b or c` is `(a AND b) OR c`, as in Postgres.
 */
export interface SearchTerm {
  kind: 'word' | 'phrase';
  text: string;
  negated: boolean;
}

/** Alternatives (OR) of conjunctions (AND) of terms; empty when `q` holds nothing searchable. */
export type WebSearchQuery = SearchTerm[][];

// A term: an optional '-', then a quoted phrase (the closing quote may be missing) or a bare word.
const TOKEN = /(-?)"([^"]*)"?|(\S+)/g;
const SEARCHABLE = /[\p{L}\p{N}]/u;

export function parseWebSearch(q: string): WebSearchQuery {
  const alternatives: SearchTerm[][] = [];
  let current: SearchTerm[] = [];
  let orPending = false;
  const add = (term: SearchTerm): void => {
    if (orPending) {
      alternatives.push(current);
      current = [];
      orPending = false;
    }
    current.push(term);
  };
  for (const [, minus, phrase, bare] of q.matchAll(TOKEN)) {
    // `or` joins the terms either side of it; where it joins nothing (first, doubled, last) it is
    // just the word "or", as in Postgres.
    if (bare !== undefined && bare.toLowerCase() === 'or' && current.length > 0 && !orPending) {
      orPending = true;
      continue;
    }
    const term = toTerm(minus ?? '', phrase, bare);
    if (term) add(term);
  }
  if (orPending) current.push({ kind: 'word', text: 'or', negated: false });
  if (current.length > 0) alternatives.push(current);
  return alternatives;
}

function toTerm(minus: string, phrase: string | undefined, bare: string | undefined): SearchTerm | null {
  if (phrase !== undefined) {
    const text = phrase.trim();
    return SEARCHABLE.test(text) ? { kind: 'phrase', text, negated: minus === '-' } : null;
  }
  const word = bare ?? '';
  const negated = word.startsWith('-');
  const text = negated ? word.slice(1) : word;
  return SEARCHABLE.test(text) ? { kind: 'word', text, negated } : null;
}
