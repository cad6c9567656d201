import { describe, expect, it } from 'vitest';
import { parseWebSearch, type SearchTerm } from './web-search.js';

const word = (text: string, negated = false): SearchTerm => ({ kind: 'word', text, negated });
const phrase = (text: string, negated = false): SearchTerm => ({ kind: 'phrase', text, negated });

// Each expectation mirrors what Postgres' websearch_to_tsquery('simple', q) answers for q.
describe('parseWebSearch', () => {
  it('requires every word', () => {
    expect(parseWebSearch('hello  world')).toEqual([[word('hello'), word('world')]]);
  });

  it('reads quoted text as a phrase, also when the closing quote is missing', () => {
    expect(parseWebSearch('"a b" c')).toEqual([[phrase('a b'), word('c')]]);
    expect(parseWebSearch('"unclosed phrase')).toEqual([[phrase('unclosed phrase')]]);
  });

  it('negates a word or a phrase with a leading minus', () => {
    expect(parseWebSearch('-a b')).toEqual([[word('a', true), word('b')]]);
    expect(parseWebSearch('-"a b" c')).toEqual([[phrase('a b', true), word('c')]]);
  });

  it('splits alternatives at `or`, which binds looser than and: a b or c = (a b) | c', () => {
    expect(parseWebSearch('a b or c')).toEqual([[word('a'), word('b')], [word('c')]]);
    expect(parseWebSearch('a OR -b')).toEqual([[word('a')], [word('b', true)]]);
  });

  it('takes `or` that joins nothing as the word "or"', () => {
    expect(parseWebSearch('or a')).toEqual([[word('or'), word('a')]]);
    expect(parseWebSearch('a or')).toEqual([[word('a'), word('or')]]);
    expect(parseWebSearch('a or or b')).toEqual([[word('a')], [word('or'), word('b')]]);
  });

  it('drops terms with no letter or digit, and answers nothing for a query of only those', () => {
    expect(parseWebSearch('a !!! or b')).toEqual([[word('a')], [word('b')]]);
    expect(parseWebSearch('a -')).toEqual([[word('a')]]);
    expect(parseWebSearch('!!! "" -')).toEqual([]);
  });

  it('keeps words of any script', () => {
    expect(parseWebSearch('über 你好 مرحبا')).toEqual([[word('über'), word('你好'), word('مرحبا')]]);
  });
});
