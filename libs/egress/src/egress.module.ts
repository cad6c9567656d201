import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, type Config } from '@parley/config';
import { Egress } from './egress.js';

class EgressLifecycle implements OnApplicationShutdown {
  constructor(private readonly egress: Egress) {}

  onApplicationShutdown(): void {
    this.egress.close();
  }
}

/** Outbound HTTP to tenant-chosen URLs, guarded against reaching private networks. */
@Module({
  providers: [
    {
      provide: Egress,
      inject: [CONFIG],
      useFactory: (config: Config) => new Egress({ allowPrivate: config.allowPrivateUrls }),
    },
    {
      provide: EgressLifecycle,
      inject: [Egress],
      useFactory: (egress: Egress) => new EgressLifecycle(egress),
    },
  ],
  exports: [Egress],
})
export class EgressModule {}
