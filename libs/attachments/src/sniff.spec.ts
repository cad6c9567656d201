import { describe, expect, it } from 'vitest';
import { sniff, UNKNOWN_TYPE } from './sniff.js';

const source = (bytes: Buffer) => ({
  head: bytes.subarray(0, 65_536),
  size: bytes.length,
  readAt: async (offset: number, length: number) => bytes.subarray(offset, offset + length),
});
const of = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]): Buffer => {
  const body = of('ftyp', major, [0, 0, 0, 0], ...compatible);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 4);
  return Buffer.concat([size, body, Buffer.alloc(32)]);
};

/** A ZIP whose first entry is stored (uncompressed) as `name` with `content`; names listed at the end. */
const zip = (name: string, content: string, listed: string[] = []): Buffer => {
  const header = Buffer.alloc(30);
  header.write('PK\x03\x04', 0, 'latin1');
  header.writeUInt16LE(0, 8);
  header.writeUInt32LE(content.length, 18);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([
    header,
    of(name, content),
    Buffer.alloc(100),
    of(...listed.map((n) => `PK\x01\x02${n}`)),
  ]);
};

describe('sniff', () => {
  it.each([
    ['PNG', of([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest'), 'image/png'],
    ['JPEG', of([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['GIF', of('GIF89a', [1, 0]), 'image/gif'],
    ['WebP', of('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['WAV', of('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
    ['AVIF', ftyp('avif', 'mif1'), 'image/avif'],
    ['AVIF under mif1', ftyp('mif1', 'avif', 'miaf'), 'image/avif'],
    ['HEIC', ftyp('heic', 'mif1'), 'image/heic'],
    ['MP4', ftyp('isom', 'iso2', 'mp41'), 'video/mp4'],
    ['M4A', ftyp('M4A ', 'isom'), 'audio/mp4'],
    ['QuickTime', ftyp('qt  '), 'video/quicktime'],
    ['WebM', of([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'video/webm'],
    ['Ogg', of('OggS', [0, 2], 'OpusHead'), 'audio/ogg'],
    ['FLAC', of('fLaC', [0, 0, 0, 34]), 'audio/flac'],
    ['MP3 with ID3', of('ID3', [4, 0]), 'audio/mpeg'],
    ['MP3 frame', of([0xff, 0xfb, 0x90, 0x00]), 'audio/mpeg'],
    ['AAC', of([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
    ['PDF', of('%PDF-1.7\n'), 'application/pdf'],
    ['PDF after junk', of('garbage\n%PDF-1.4\n'), 'application/pdf'],
    ['gzip', of([0x1f, 0x8b, 8, 0]), 'application/gzip'],
  ])('knows %s', async (_name, bytes, type) => {
    expect(await sniff(source(bytes))).toBe(type);
  });

  it('reads the type OpenDocument files declare in their first entry', async () => {
    expect(await sniff(source(zip('mimetype', 'application/vnd.oasis.opendocument.text')))).toBe(
      'application/vnd.oasis.opendocument.text',
    );
  });

  it('tells Office Open XML documents by their part names, and other ZIPs apart', async () => {
    const docx = zip('[Content_Types].xml', '<Types/>', ['_rels/.rels', 'word/document.xml']);
    const xlsx = zip('[Content_Types].xml', '<Types/>', ['xl/workbook.xml']);
    const pptx = zip('[Content_Types].xml', '<Types/>', ['ppt/presentation.xml']);
    expect(await sniff(source(docx))).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(await sniff(source(xlsx))).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(await sniff(source(pptx))).toBe(
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    );
    expect(await sniff(source(zip('word/document.xml', 'x')))).toBe('application/zip');
  });

  it('tells legacy Office files by the stream names in their directory', async () => {
    const file = Buffer.alloc(4096);
    of([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file);
    file.writeUInt16LE(9, 30); // 512-byte sectors
    file.writeUInt32LE(2, 48); // the directory starts in sector 2, at (2 + 1) * 512
    Buffer.from('Root Entry', 'utf16le').copy(file, 1536);
    Buffer.from('WordDocument', 'utf16le').copy(file, 1536 + 128);
    expect(await sniff(source(file))).toBe('application/msword');
    Buffer.from('Workbook\0\0\0\0', 'utf16le').copy(file, 1536 + 128);
    expect(await sniff(source(file))).toBe('application/vnd.ms-excel');
    file.fill(0, 1536);
    expect(await sniff(source(file))).toBe('application/x-ole-storage');
  });

  it('calls UTF-8 text text/plain, but not markup a browser would render', async () => {
    expect(await sniff(source(Buffer.from('Hello, wörld! 👋\r\n\tTabs and ESC \x1b[0m fine')))).toBe(
      'text/plain',
    );
    expect(await sniff(source(Buffer.from('\uFEFFwith a BOM')))).toBe('text/plain');
    expect(await sniff(source(Buffer.from('  <!DOCTYPE html><p>hi')))).toBe('text/html');
    expect(await sniff(source(Buffer.from('<HTML><body>')))).toBe('text/html');
    expect(await sniff(source(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')))).toBe(
      'image/svg+xml',
    );
    expect(await sniff(source(Buffer.from('<?xml version="1.0"?>\n<svg/>')))).toBe('image/svg+xml');
    expect(await sniff(source(Buffer.from('<?xml version="1.0"?><feed/>')))).toBe('application/xml');
  });

  it('calls binary or non-UTF-8 bytes unknown', async () => {
    expect(await sniff(source(Buffer.from([0x00, 0x01, 0x02, 0x03])))).toBe(UNKNOWN_TYPE);
    expect(await sniff(source(Buffer.from('caf\xe9', 'latin1')))).toBe(UNKNOWN_TYPE);
    expect(await sniff(source(Buffer.from('text with a NUL\0 inside')))).toBe(UNKNOWN_TYPE);
  });

  it('does not hold a character cut by the end of the head against the text', async () => {
    const text = Buffer.from('é'.repeat(40_000)); // 80,000 bytes: the 64 KiB head ends where it ends
    expect(await sniff({ ...source(text), head: text.subarray(0, 65_535) })).toBe('text/plain');
  });
});
