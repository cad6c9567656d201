import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONFIG, type Config } from '@parley/config';
import { openDatabase } from './data-source.js';
import { Database } from './database.js';

class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the database named by the configuration and applies pending migrations before anything serves. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [CONFIG],
      useFactory: (config: Config): Promise<DataSource> => {
        if (!config.databaseUrl)
          throw new Error('No database URL: the embedded Postgres must be started first');
        return openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize });
      },
    },
    {
      provide: DatabaseLifecycle,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new DatabaseLifecycle(ds),
    },
    Database,
  ],
  exports: [DataSource, Database],
})
export class DbModule {}
