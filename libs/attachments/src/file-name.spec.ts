import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitizeFileName, thumbnailName } from './file-name.js';

describe('sanitizeFileName', () => {
  it.each([
    ['holiday.png', 'image/png', 'holiday.png'],
    ['Photo.JPEG', 'image/jpeg', 'Photo.JPEG'],
    ['notes.txt', 'image/png', 'notes.txt.png'],
    ['C:\\Users\\eve\\report.pdf', 'application/pdf', 'report.pdf'],
    ['../../etc/passwd', 'text/plain', 'passwd'],
    ['.htaccess', 'text/plain', 'htaccess'],
    ['invoice\u202Efdp.exe', 'application/pdf', 'invoice_fdp.exe.pdf'],
    ['a\u0000b\u0007c\r\n.txt', 'text/plain', 'a_b_c__.txt'],
    ['zero\u200Bwidth.txt', 'text/plain', 'zero_width.txt'],
    ['what?<>|*.txt', 'text/plain', 'what_____.txt'],
    ['  spaced   out  .txt  ', 'text/plain', 'spaced out .txt'],
    ['CON.txt', 'text/plain', '_CON.txt'],
    ['', 'image/png', 'file.png'],
    [undefined, 'text/plain', 'file'],
    ['...', 'text/plain', 'file'],
    ['e\u0301te\u0301.txt', 'text/plain', 'été.txt'],
  ])('%j as %s is %j', (raw, mime, expected) => {
    expect(sanitizeFileName(raw, mime)).toBe(expected);
  });

  it('cuts long names to 200 characters, keeping the extension and whole characters', () => {
    const name = sanitizeFileName(`${'😀'.repeat(300)}.png`, 'image/png');
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('😀.png')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name in RFC 8187 form', () => {
    expect(contentDisposition('attachment', 'résumé "final".pdf')).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(
      `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`,
    );
  });

  it('names thumbnails after their original', () => {
    expect(thumbnailName('beach.jpg')).toBe('beach-thumbnail.webp');
    expect(thumbnailName('noext')).toBe('noext-thumbnail.webp');
  });
});
