import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '@parley/db';
import type { Readiness } from '@parley/protocol';
import { REDIS, type MaybeRedis } from '@parley/redis';

export type { Readiness };
type CheckResult = Readiness['checks']['database'];

const CHECK_TIMEOUT_MS = 1_500;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: MaybeRedis,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, migrations, redis] = await Promise.all([
      withTimeout(this.db.query('SELECT 1')).then(
        (): CheckResult => 'up',
        (): CheckResult => 'down',
      ),
      withTimeout(pendingMigrations(this.db)).then(
        (pending) => (pending.length === 0 ? ('applied' as const) : ('pending' as const)),
        () => 'unknown' as const,
      ),
      this.redis
        ? withTimeout(this.redis.ping()).then(
            (): CheckResult => 'up',
            (): CheckResult => 'down',
          )
        : Promise.resolve<CheckResult>('disabled'),
    ]);
    const ready = database === 'up' && migrations === 'applied' && redis !== 'down';
    return { status: ready ? 'ready' : 'unready', checks: { database, migrations, redis } };
  }
}
