import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiRoute, ValidParam, ValidQuery } from '@parley/http';
import { FileDownloadQuerySchema, IdSchema, type FileDownloadQuery } from '@parley/protocol';
import { Access, UnauthenticatedError, type CallerRequest } from '@parley/tenancy';
import { AttachmentsService, type Download } from './attachments.service.js';
import { contentDisposition } from './file-name.js';
import type { ByteRange } from './file-storage.js';
import type { FileVariant } from './file-urls.js';

const FileId = (): ParameterDecorator => ValidParam('fileId', IdSchema);
const ANY_FILE = { mediaType: '*/*' };
const WEBP = { mediaType: 'image/webp' };
const DOWNLOAD =
  'With `tenant`, `exp` and `sig` (the signed URL a message carries) no credentials are needed; without them the caller must be a member of the chat. Supports one `Range`.';

/**
 * Downloads. With `?tenant=&exp=&sig=` (the URLs messages carry) the signature is the credential;
 * without, the caller's credentials are checked and the file's chat must be theirs.
 */
@Controller('v1/files/:fileId')
@Access('signed')
export class FilesController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get()
  @ApiRoute(
    'Download a file',
    { 200: ANY_FILE, 206: ANY_FILE },
    { description: DOWNLOAD, errors: ['forbidden', 'not_found'] },
  )
  async original(
    @FileId() id: string,
    @ValidQuery(FileDownloadQuerySchema) query: FileDownloadQuery,
    @Req() request: Request & CallerRequest,
    @Res() response: Response,
  ): Promise<void> {
    await this.send(request, response, await this.open(request, query, id, 'original'));
  }

  @Get('thumbnail')
  @ApiRoute(
    "An image's thumbnail (WebP)",
    { 200: WEBP, 206: WEBP },
    { description: DOWNLOAD, errors: ['forbidden', 'not_found'] },
  )
  async thumbnail(
    @FileId() id: string,
    @ValidQuery(FileDownloadQuerySchema) query: FileDownloadQuery,
    @Req() request: Request & CallerRequest,
    @Res() response: Response,
  ): Promise<void> {
    await this.send(request, response, await this.open(request, query, id, 'thumbnail'));
  }

  private open(
    request: CallerRequest,
    query: FileDownloadQuery,
    id: string,
    variant: FileVariant,
  ): Promise<Download> {
    if (query.sig !== undefined) return this.attachments.openSigned(query, id, variant);
    // The auth guard authenticated every call without a signature.
    if (request.caller?.kind !== 'tenant') throw new UnauthenticatedError('Credentials are required');
    return this.attachments.openForMember(request.caller.actor, id, variant);
  }

  private async send(request: Request, response: Response, file: Download): Promise<void> {
    const range = parseRange(request.headers.range, file.size);
    const body = await file.open(range ?? undefined);
    response.status(range ? 206 : 200);
    response.setHeader('Content-Type', file.mime === 'text/plain' ? 'text/plain; charset=utf-8' : file.mime);
    response.setHeader('Content-Length', String(range ? range.end - range.start + 1 : file.size));
    if (range) response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader(
      'Content-Disposition',
      contentDisposition(file.inline ? 'inline' : 'attachment', file.name),
    );
    // Never sniffed into something else, never scripted, even when opened directly.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (file.expiresAt !== null) {
      // The signature is the credential: any page may fetch the file with it, and caches may keep it
      // until the URL expires (a file never changes under its id).
      response.setHeader('Access-Control-Allow-Origin', '*');
      const maxAge = Math.max(0, Math.floor((file.expiresAt - Date.now()) / 1000));
      response.setHeader('Cache-Control', `private, max-age=${maxAge}, immutable`);
    } else {
      response.setHeader('Cache-Control', 'private, no-cache');
    }
    await pipeline(body, response).catch(() => {
      // The client went away mid-download; the storage stream is closed by pipeline.
    });
  }
}

/** One range of `Range: bytes=…`; anything else (several ranges, unsatisfiable) gets the whole file. */
function parseRange(header: string | undefined, size: number): ByteRange | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || size === 0) return null;
  const [, from, to] = match;
  let start: number;
  let end: number;
  if (from === '') {
    if (to === '') return null;
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}
