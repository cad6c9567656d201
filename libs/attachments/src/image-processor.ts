import { availableParallelism } from 'node:os';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { ImageTooLargeError, UnreadableImageError } from './attachments.errors.js';

/** Larger images are refused: decoding one costs memory in proportion to its pixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const THUMBNAIL_SIZE = 320;

/** Types sharp reads and writes here, and so the ones that get dimensions, a thumbnail and EXIF stripped. */
const PROCESSED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

// Decoded images are not kept between requests (libvips caches operations by default): memory stays
// proportional to the uploads in flight.
sharp.cache(false);

/**
 * Images decoded at once, at most: each holds its pixels in memory (a 12-megapixel photo about
 * 36 MB) and keeps a core busy, so more at once than there are cores only adds memory.
 */
const MAX_CONCURRENT = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  // A finishing image hands its slot to the next one waiting, so no newcomer slips in between.
  if (running < MAX_CONCURRENT) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export interface ProcessedImage {
  width: number;
  height: number;
  /** The image re-encoded without metadata, written to `cleanPath`; null when the original is kept. */
  cleanSize: number | null;
  thumbnail: Buffer;
}

export const isProcessedImage = (mime: string): boolean => PROCESSED.has(mime);

/**
 * Reads an image from a file: its dimensions (as displayed, after EXIF orientation), a WebP
 * thumbnail at most 320 px wide and high, and, except for GIF (which has no EXIF), a copy written to
 * `cleanPath` with the orientation applied and EXIF, XMP and IPTC (camera, location) removed; the
 * colour profile is kept.
 */
export function processImage(path: string, mime: string, cleanPath: string): Promise<ProcessedImage> {
  return inTurn(() => processNow(path, mime, cleanPath));
}

async function processNow(path: string, mime: string, cleanPath: string): Promise<ProcessedImage> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  const open = () => sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, animated, failOn: 'error' });
  let metadata: Metadata;
  try {
    metadata = await open().metadata();
  } catch (error) {
    throw pixelLimit(error) ?? new UnreadableImageError(mime);
  }
  const pages = metadata.pages ?? 1;
  const frameHeight = metadata.pageHeight ?? metadata.height ?? 0;
  const sideways = (metadata.orientation ?? 1) >= 5;
  const width = sideways ? frameHeight : (metadata.width ?? 0);
  const height = sideways ? (metadata.width ?? 0) : frameHeight;
  try {
    const thumbnail = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    let cleanSize: number | null = null;
    if (mime !== 'image/gif') {
      // An animation keeps its frames as they are; a still image gets its EXIF orientation applied,
      // since the EXIF that carried it goes.
      const pipeline = pages > 1 ? open() : open().rotate();
      const output = await withFormat(pipeline.keepIccProfile(), mime).toFile(cleanPath);
      cleanSize = output.size;
    }
    return { width, height, cleanSize, thumbnail };
  } catch (error) {
    throw pixelLimit(error) ?? new UnreadableImageError(mime);
  }
}

function withFormat(image: Sharp, mime: string): Sharp {
  switch (mime) {
    case 'image/jpeg':
      return image.jpeg({ quality: 90 });
    case 'image/png':
      return image.png({ compressionLevel: 6 });
    case 'image/webp':
      return image.webp({ quality: 90 });
    case 'image/avif':
      return image.avif({ quality: 70 });
    default:
      throw new Error(`No encoder for ${mime}`);
  }
}

function pixelLimit(error: unknown): ImageTooLargeError | null {
  return error instanceof Error && /pixel limit/i.test(error.message)
    ? new ImageTooLargeError(MAX_IMAGE_PIXELS)
    : null;
}
