import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute } from '@parley/http';
import { LivenessSchema, ReadinessSchema } from '@parley/protocol';
import { Access } from '@parley/tenancy';
import { HealthService, type Readiness } from './health.service.js';

@Controller()
@Access('public')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiRoute('Liveness: the process answers', { 200: LivenessSchema })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiRoute(
    'Readiness: Postgres, migrations and Redis',
    { 200: ReadinessSchema, 503: ReadinessSchema },
    {
      description:
        "200 when every dependency answers, 503 otherwise; never waits longer than its checks' timeout.",
    },
  )
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    response.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
