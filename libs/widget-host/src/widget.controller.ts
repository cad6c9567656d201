import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiRoute } from '@parley/http';
import { Access } from '@parley/tenancy';
import { chooseEncoding, matchesIfNoneMatch } from './widget-bundle.js';
import { WidgetService } from './widget.service.js';

/** Browsers revalidate after 5 minutes, and meanwhile may use a stale copy for a day while they do. */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

@Controller()
@Access('public')
export class WidgetController {
  constructor(private readonly widget: WidgetService) {}

  @Get('widget.js')
  @ApiRoute(
    'The embeddable widget: one ES module defining <parley-chat>',
    { 200: { mediaType: 'text/javascript' }, 304: null },
    {
      description:
        'Load it with `<script type="module" src="…/widget.js">` from any origin (CORS `*`; ' +
        '`Cross-Origin-Resource-Policy: cross-origin`). Brotli or gzip when accepted; a strong `ETag`, ' +
        'and `304` for a matching `If-None-Match`. `503 unavailable` when the widget is not built ' +
        '(run `npm run build`).',
      errors: ['unavailable'],
    },
  )
  async script(@Req() request: Request, @Res() response: Response): Promise<void> {
    // A public script loaded cross-origin as a module: `<script type="module">` fetches in CORS mode.
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const bundle = await this.widget.bundle();
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    const { body, etag } = await bundle.representation(encoding);
    response.setHeader('Cache-Control', CACHE_CONTROL);
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('ETag', etag);
    if (matchesIfNoneMatch(request.headers['if-none-match'], bundle)) {
      response.status(304).end();
      return;
    }
    response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (encoding !== 'identity') response.setHeader('Content-Encoding', encoding);
    response.setHeader('Content-Length', String(body.length));
    response.status(200).end(request.method === 'HEAD' ? undefined : body);
  }
}
