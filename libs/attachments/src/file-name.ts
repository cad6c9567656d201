/** Extensions of the types the sniffer finds, the first being the one added when a name lacks it. */
const EXTENSIONS: Record<string, string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/avif': ['avif'],
  'image/heic': ['heic'],
  'image/heif': ['heif'],
  'application/pdf': ['pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx', 'docm'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx', 'xlsm'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx', 'pptm'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/msword': ['doc', 'dot'],
  'application/vnd.ms-excel': ['xls', 'xlt'],
  'application/vnd.ms-powerpoint': ['ppt', 'pps', 'pot'],
  'application/zip': ['zip'],
  'audio/mpeg': ['mp3'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/wav': ['wav'],
  'audio/flac': ['flac'],
  'audio/mp4': ['m4a', 'm4b'],
  'audio/aac': ['aac'],
  'video/mp4': ['mp4', 'm4v'],
  'video/webm': ['webm'],
  'video/quicktime': ['mov', 'qt'],
};

const MAX_NAME_LENGTH = 200;
// Control characters, bidirectional overrides and isolates (which make `exe.pdf` read as `fdp.exe`),
// zero-width characters, and what Windows or shells refuse in a file name.
const UNSAFE = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff<>:"/\\|?*]/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A name that is safe to show and to save: the client's name without any path, control or
 * direction-changing characters, no leading dots, at most 200 characters, ending in an extension of
 * the type the bytes turned out to be (`photo.txt` holding a PNG becomes `photo.txt.png`).
 */
export function sanitizeFileName(raw: string | undefined, mime: string): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (!name || /^_+$/.test(name)) name = 'file';
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  const extensions = EXTENSIONS[mime];
  const extension = /\.([^.]{1,10})$/.exec(name)?.[1]?.toLowerCase();
  const suffix = extensions && !(extension && extensions.includes(extension)) ? `.${extensions[0]}` : '';
  return truncate(name, MAX_NAME_LENGTH - suffix.length) + suffix;
}

/** Cuts the stem, keeping the extension, without splitting a surrogate pair. */
function truncate(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 11 ? [...name.slice(dot)] : [];
  return chars.slice(0, max - extension.length).join('') + extension.join('');
}

/** `Content-Disposition` with an ASCII fallback name and the exact name in RFC 8187 encoding. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A thumbnail's download name: the original's stem with `-thumbnail.webp`. */
export function thumbnailName(name: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}-thumbnail.webp`;
}
