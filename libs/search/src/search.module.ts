import { Module } from '@nestjs/common';
import { Client } from '@elastic/elasticsearch';
import { ChatsModule } from '@parley/chats';
import { CONFIG, type Config } from '@parley/config';
import { MessagesModule } from '@parley/messages';
import { TenancyModule } from '@parley/tenancy';
import { ElasticsearchSearchBackend } from './elasticsearch-search.backend.js';
import { ELASTICSEARCH_CLIENT, ElasticsearchIndex } from './elasticsearch.index.js';
import { PostgresSearchBackend } from './postgres-search.backend.js';
import { SEARCH_BACKEND, type SearchBackend } from './search-backend.js';
import { SearchController } from './search.controller.js';
import { SearchIndexer } from './search.indexer.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

@Module({
  imports: [ChatsModule, MessagesModule, TenancyModule],
  controllers: [SearchController],
  providers: [
    SearchRepository,
    SearchService,
    PostgresSearchBackend,
    ElasticsearchSearchBackend,
    ElasticsearchIndex,
    SearchIndexer,
    {
      provide: ELASTICSEARCH_CLIENT,
      inject: [CONFIG],
      useFactory: (config: Config): Client | null =>
        config.elasticsearchUrl ? new Client({ node: config.elasticsearchUrl }) : null,
    },
    {
      provide: SEARCH_BACKEND,
      inject: [CONFIG, PostgresSearchBackend, ElasticsearchSearchBackend],
      useFactory: (config: Config, postgres: SearchBackend, elasticsearch: SearchBackend): SearchBackend =>
        config.elasticsearchUrl ? elasticsearch : postgres,
    },
  ],
  exports: [SearchService, SearchIndexer],
})
export class SearchModule {}
