import { describe, expect, it } from 'vitest';
import {
  EXCERPT_LENGTH,
  MATCH_END as E,
  MATCH_START as S,
  toHighlight,
  withoutMarkers,
} from './highlight.js';

const spans = (h: { text: string; matches: { start: number; end: number }[] }): string[] =>
  h.matches.map((m) => h.text.slice(m.start, m.end));

describe('toHighlight', () => {
  it('answers the plain text and the offsets of each marked span', () => {
    const text = 'Hello <b>world</b>, hello!';
    const h = toHighlight(text, `${S}Hello${E} <b>world</b>, ${S}hello${E}!`);
    expect(h.text).toBe(text);
    expect(h.matches).toEqual([
      { start: 0, end: 5 },
      { start: 20, end: 25 },
    ]);
  });

  it('counts offsets in UTF-16 units, past emoji and combining characters', () => {
    const text = '🎉 café 🎉 über';
    const h = toHighlight(text, `🎉 café 🎉 ${S}über${E}`);
    expect(spans(h)).toEqual(['über']);
    expect(h.matches[0]!.start).toBe(text.indexOf('über'));
  });

  it('lets no message forge a match: marker characters in the text never start one', () => {
    const text = `fake ${S}match${E} real`;
    const marked = `fake ${withoutMarkers(`${S}match${E}`)} ${S}real${E}`;
    expect(spans(toHighlight(text, marked))).toEqual(['real']);
    expect(toHighlight(text, marked).text).toBe(text);
  });

  it('drops the spans, not the hit, when the marked text is of another version of the message', () => {
    expect(toHighlight('edited text', `${S}original${E} text`)).toEqual({ text: 'edited text', matches: [] });
    expect(toHighlight('text', null)).toEqual({ text: 'text', matches: [] });
  });

  it('merges adjacent spans into one', () => {
    expect(toHighlight('foobar', `${S}foo${E}${S}bar${E}`).matches).toEqual([{ start: 0, end: 6 }]);
  });

  it('cuts a long message to an excerpt around the first match, between words, with ellipses', () => {
    const before = 'lorem ipsum '.repeat(50);
    const after = ' dolor sit'.repeat(50);
    const text = `${before}needle${after}`;
    const h = toHighlight(text, `${before}${S}needle${E}${after}`);
    expect(h.text.length).toBeLessThanOrEqual(EXCERPT_LENGTH + 2);
    expect(h.text.startsWith('…')).toBe(true);
    expect(h.text.endsWith('…')).toBe(true);
    expect(h.text).toMatch(/^…(lorem|ipsum) /);
    expect(spans(h)).toEqual(['needle']);
  });

  it('never cuts an emoji in half at an excerpt edge', () => {
    const text = '😀'.repeat(400);
    const h = toHighlight(text, null);
    expect(h.text.endsWith('😀…')).toBe(true);
    expect(h.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
