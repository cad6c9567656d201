import { describe, expect, it } from 'vitest';
import { buildRows, dayLabel, fileSize, linkify, safeHref, typingText } from './format.js';
import { directionOf, pickLanguage, translator } from './i18n.js';

const at = (day: string, time: string): string => new Date(`${day}T${time}`).toISOString();
const message = (key: string, senderId: string, createdAt: string, kind = 'text') => ({
  key,
  senderId,
  createdAt,
  kind,
});

describe('buildRows', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = buildRows([
      message('1', 'a', at('2026-01-01', '10:00:00')),
      message('2', 'a', at('2026-01-02', '09:00:00')),
    ]);
    expect(rows.map((r) => r.type)).toEqual(['day', 'message', 'day', 'message']);
    expect(rows[0]).toMatchObject({ day: '2026-01-01', key: 'day:2026-01-01' });
  });

  it('groups consecutive messages of one sender close in time', () => {
    const rows = buildRows([
      message('1', 'a', at('2026-01-01', '10:00:00')),
      message('2', 'a', at('2026-01-01', '10:01:00')),
      message('3', 'b', at('2026-01-01', '10:02:00')),
      message('4', 'b', at('2026-01-01', '10:30:00')),
    ]).filter((r) => r.type === 'message');
    expect(rows.map((r) => [r.key, r.first, r.last])).toEqual([
      ['1', true, false],
      ['2', false, true],
      ['3', true, true],
      ['4', true, true],
    ]);
  });

  it('never groups system messages', () => {
    const rows = buildRows([
      message('1', 'a', at('2026-01-01', '10:00:00'), 'system'),
      message('2', 'a', at('2026-01-01', '10:00:01')),
    ]).filter((r) => r.type === 'message');
    expect(rows.every((r) => r.first && r.last)).toBe(true);
  });
});

describe('dayLabel', () => {
  const words = { today: 'Today', yesterday: 'Yesterday' };
  const now = new Date(2026, 5, 15, 12);
  it('names today and yesterday, and dates the rest in the language', () => {
    expect(dayLabel('2026-06-15', now, 'en', words)).toBe('Today');
    expect(dayLabel('2026-06-14', now, 'en', words)).toBe('Yesterday');
    expect(dayLabel('2025-03-02', now, 'en', words)).toContain('2025');
    expect(dayLabel('2026-03-02', now, 'de', words)).toBe('2. März');
  });
});

describe('linkify', () => {
  it('makes http and https URLs links and leaves the rest text', () => {
    expect(linkify('see https://example.com/a?b=1, ok')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ', ok' },
    ]);
  });

  it('never links javascript:, data: or other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.org/f', 'xhttp://a.b']) {
      expect(linkify(text)).toEqual([{ text }]);
    }
    expect(safeHref('javascript:alert(1)')).toBeNull();
  });

  it('keeps a closing parenthesis the link opened, and drops sentence punctuation', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar)).')[1]).toEqual({
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    expect(linkify('at http://a.example.')[1]?.text).toBe('http://a.example');
  });

  it('leaves markup as text for the caller to render as text', () => {
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>' }]);
  });
});

describe('small formats', () => {
  it('sizes files', () => {
    expect(fileSize(10)).toBe('10 B');
    expect(fileSize(2_500_000)).toBe('2.4 MB');
  });

  it('says who is typing', () => {
    const words = { one: '{a} is typing…', two: '{a} and {b} are typing…', many: 'Several…' };
    expect(typingText([], words)).toBe('');
    expect(typingText(['Ann'], words)).toBe('Ann is typing…');
    expect(typingText(['Ann', 'Bo'], words)).toBe('Ann and Bo are typing…');
    expect(typingText(['a', 'b', 'c'], words)).toBe('Several…');
  });
});

describe('i18n', () => {
  it('falls back to English and fills placeholders', () => {
    expect(pickLanguage('de-AT')).toBe('de');
    expect(pickLanguage('xx')).toBe('en');
    expect(translator('de')('typing1', { a: 'Ann' })).toBe('Ann schreibt…');
    expect(translator('fr')('send')).toBe('Send');
  });

  it('writes Arabic right to left', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('de')).toBe('ltr');
  });
});
