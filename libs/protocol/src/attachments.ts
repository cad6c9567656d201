import { z } from 'zod';
import { IdSchema, QueryIntSchema } from './primitives.js';

/** A message carries at most this many attachments. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** A file stored by `POST /v1/uploads`, as messages and the upload itself return it. */
export const AttachmentSchema = z.object({
  id: z.string().describe("Send it in a message's `attachments` to attach the file"),
  name: z.string().describe('The file name the client gave, sanitised'),
  mime: z.string().describe('The type found in the bytes, not the one the client claimed'),
  size: z.number().int().describe('Bytes'),
  width: z.number().int().optional().describe('Images only: pixels, after EXIF orientation'),
  height: z.number().int().optional(),
  url: z.string().describe('Signed download URL; it expires (`exp`, Unix seconds), so do not store it'),
  thumbnailUrl: z
    .string()
    .optional()
    .describe('Images only: a signed URL of a WebP at most 320 px wide and high'),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** The non-file field of `POST /v1/uploads` (multipart/form-data, with the file in the field `file`). */
export const UploadFieldsSchema = z.strictObject({
  chatId: IdSchema.describe('The chat the file will be sent in; the uploader must be a member'),
});
export type UploadFields = z.infer<typeof UploadFieldsSchema>;

/** What a signed download URL carries; without all three, the caller's credentials are checked. */
export const FileDownloadQuerySchema = z.strictObject({
  tenant: IdSchema.optional(),
  exp: QueryIntSchema.optional().describe('Expiry, Unix seconds'),
  sig: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a signature from a download URL')
    .optional(),
});
export type FileDownloadQuery = z.infer<typeof FileDownloadQuerySchema>;

/** `type/subtype`, or `type/*` for every subtype. */
export const MimePatternSchema = z
  .string()
  .max(127)
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/,
    'must be a lower-case media type such as image/png, or image/* for every subtype',
  );

/**
 * Types a tenant accepts by default: raster images, PDF, plain text, office documents, common audio
 * and video. Not HTML, SVG, scripts or archives.
 */
export const DEFAULT_UPLOAD_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/flac',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/quicktime',
];

/** Tenant setting `uploads`. */
export const UploadSettingsSchema = z.object({
  allowedTypes: z
    .array(MimePatternSchema)
    .max(100)
    .default(DEFAULT_UPLOAD_TYPES)
    .describe('Types (sniffed from the bytes) that uploads may have; anything else is 415'),
});
export type UploadSettings = z.infer<typeof UploadSettingsSchema>;

export const AttachmentIdsSchema = z
  .array(IdSchema)
  .min(1)
  .max(MAX_ATTACHMENTS_PER_MESSAGE)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');
