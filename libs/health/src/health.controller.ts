import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access } from '@parley/tenancy';
import { HealthService, type Readiness } from './health.service.js';

@Controller()
@Access('public')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when every dependency answers, 503 otherwise; never waits longer than its checks' timeout. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    response.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
