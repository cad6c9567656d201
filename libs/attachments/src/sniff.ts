/**
 * The media type of a file, read from its bytes: the type a client claims is never trusted. Knows the
 * types a chat sees (images, PDF, office documents, audio, video, text) and the ones it must tell
 * apart from plain text to refuse them (HTML, SVG, XML); anything else is `application/octet-stream`.
 */

export const UNKNOWN_TYPE = 'application/octet-stream';

/** What the sniffer may read of a file: its first bytes, and any range when a format needs it. */
export interface SniffSource {
  /** The first bytes (at least 4 KiB, or the whole file when smaller). */
  head: Buffer;
  size: number;
  readAt(offset: number, length: number): Promise<Buffer>;
}

/** Bytes to hand the sniffer as `head`. */
export const SNIFF_HEAD_BYTES = 64 * 1024;

const ascii = (buffer: Buffer, start: number, end: number): string =>
  buffer.subarray(start, end).toString('latin1');
const startsWith = (buffer: Buffer, bytes: number[], offset = 0): boolean =>
  bytes.every((byte, i) => buffer[offset + i] === byte);

export async function sniff(source: SniffSource): Promise<string> {
  const { head } = source;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 12);
    if (form === 'WEBP') return 'image/webp';
    if (form === 'WAVE') return 'audio/wav';
    if (form === 'AVI ') return 'video/x-msvideo';
    return UNKNOWN_TYPE;
  }
  if (ascii(head, 4, 8) === 'ftyp') return isoMediaType(head);
  if (ascii(head, 0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(head, 0, 4) === 'OggS')
    return head.includes('\x80theora', 0, 'latin1') ? 'video/ogg' : 'audio/ogg';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    return head.subarray(0, 64).includes('webm', 0, 'latin1') ? 'video/webm' : 'video/x-matroska';
  }
  if (ascii(head, 0, 3) === 'ID3') return 'audio/mpeg';
  if (head[0] === 0xff && head.length > 1 && (head[1]! & 0xe0) === 0xe0) {
    // MPEG audio frame sync; layer bits 00 are AAC in an ADTS stream.
    return (head[1]! & 0x06) === 0 ? 'audio/aac' : 'audio/mpeg';
  }
  // PDF readers accept the header anywhere in the first KiB.
  if (head.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return zipType(source);
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return compoundFileType(source);
  if (startsWith(head, [0x1f, 0x8b])) return 'application/gzip';
  if (ascii(head, 0, 6) === '7z\xbc\xaf\x27\x1c') return 'application/x-7z-compressed';
  if (ascii(head, 0, 4) === 'Rar!') return 'application/vnd.rar';
  return textType(head, source.size);
}

/** ISO base media (MP4, QuickTime, HEIF, AVIF): the major brand, then the compatible ones. */
function isoMediaType(head: Buffer): string {
  const boxSize = Math.min(head.readUInt32BE(0), head.length);
  const brands = [ascii(head, 8, 12)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(head, at, at + 4));
  const has = (...names: string[]): boolean => names.some((name) => brands.includes(name));
  const major = brands[0]!;
  if (major === 'avif' || major === 'avis') return 'image/avif';
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(major)) return 'image/heic';
  if (major === 'mif1' || major === 'msf1') return has('avif', 'avis') ? 'image/avif' : 'image/heif';
  if (major === 'M4A ' || major === 'M4B ') return 'audio/mp4';
  if (major === 'qt  ') return 'video/quicktime';
  if (major.startsWith('3g2')) return 'video/3gpp2';
  if (major.startsWith('3gp')) return 'video/3gpp';
  return 'video/mp4';
}

const OOXML_PARTS: [string, string][] = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

/**
 * ZIP containers. OpenDocument (and EPUB) store their type uncompressed in a first entry named
 * `mimetype`; Office Open XML is known by its part names, listed in the central directory at the
 * end of the file.
 */
async function zipType(source: SniffSource): Promise<string> {
  const { head } = source;
  const nameLength = head.length >= 30 ? head.readUInt16LE(26) : 0;
  const extraLength = head.length >= 30 ? head.readUInt16LE(28) : 0;
  if (ascii(head, 30, 30 + nameLength) === 'mimetype' && head.readUInt16LE(8) === 0) {
    const start = 30 + nameLength + extraLength;
    const declared = ascii(head, start, start + Math.min(head.readUInt32LE(18), 100));
    if (/^application\/[a-z0-9.+-]+$/.test(declared)) return declared;
  }
  const tailLength = Math.min(source.size, SNIFF_HEAD_BYTES);
  const tail = await source.readAt(source.size - tailLength, tailLength);
  const names = Buffer.concat([head, tail]).toString('latin1');
  if (names.includes('[Content_Types].xml')) {
    for (const [prefix, type] of OOXML_PARTS) {
      if (names.includes(`${prefix}document.xml`) || names.includes(`${prefix}workbook.xml`)) return type;
      if (names.includes(`${prefix}presentation.xml`)) return type;
    }
  }
  return 'application/zip';
}

const utf16 = (text: string): string => Buffer.from(text, 'utf16le').toString('latin1');
const COMPOUND_STREAMS: [string, string][] = [
  [utf16('WordDocument'), 'application/msword'],
  [utf16('Workbook'), 'application/vnd.ms-excel'],
  [utf16('Book'), 'application/vnd.ms-excel'],
  [utf16('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
];

/**
 * Legacy Office files are OLE compound files; which application wrote one is told by the names of
 * its streams, in the directory whose first sector the header names.
 */
async function compoundFileType(source: SniffSource): Promise<string> {
  const { head } = source;
  if (head.length < 512) return 'application/x-ole-storage';
  const sectorSize = 2 ** head.readUInt16LE(30);
  const firstDirectorySector = head.readUInt32LE(48);
  const offset = (firstDirectorySector + 1) * sectorSize;
  if (sectorSize < 512 || sectorSize > 4096 || offset >= source.size) return 'application/x-ole-storage';
  const directory = (await source.readAt(offset, Math.min(8 * sectorSize, source.size - offset))).toString(
    'latin1',
  );
  for (const [name, type] of COMPOUND_STREAMS) if (directory.includes(name)) return type;
  return 'application/x-ole-storage';
}

// C0 controls other than tab, line feed, vertical tab, form feed, carriage return and escape.
// eslint-disable-next-line no-control-regex
const BINARY_CONTROLS = /[\x00-\x08\x0e-\x1a\x1c-\x1f]/;

/**
 * UTF-8 text without binary control characters is `text/plain`, unless it is markup a browser would
 * render (HTML, SVG) or XML: those get their own types so that a tenant's allow-list decides them.
 */
function textType(head: Buffer, size: number): string {
  let bytes = head;
  // The head may end inside a multi-byte character: drop that partial character.
  if (head.length < size) {
    let cut = head.length;
    for (let back = 1; back <= 3 && cut - back >= 0; back++) {
      const byte = head[cut - back]!;
      if ((byte & 0xc0) === 0xc0) {
        cut -= back;
        break;
      }
      if ((byte & 0x80) === 0) break;
    }
    bytes = head.subarray(0, cut);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return UNKNOWN_TYPE;
  }
  if (BINARY_CONTROLS.test(text)) return UNKNOWN_TYPE;
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if (/^<(!doctype html|html|head|body|script|iframe|!--)/.test(start)) return 'text/html';
  if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg')))
    return 'image/svg+xml';
  if (start.startsWith('<?xml')) return 'application/xml';
  return 'text/plain';
}
