import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute } from '@parley/http';
import { Access } from '@parley/tenancy';
import { MetricsService } from './metrics.service.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Access('public')
  @ApiRoute(
    'Prometheus metrics',
    { 200: { mediaType: 'text/plain' } },
    {
      description:
        'Prometheus text format. Serve it to your scraper only (the reverse proxy should not expose it).',
    },
  )
  async scrape(@Res() response: Response): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
