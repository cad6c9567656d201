import { Injectable } from '@nestjs/common';
import type { SearchBackend, SearchFound, SearchRequest } from './search-backend.js';
import { SearchRepository } from './search.repository.js';

/** The embedded default: `websearch_to_tsquery` over the messages' stored tsvector and its GIN index. */
@Injectable()
export class PostgresSearchBackend implements SearchBackend {
  readonly name = 'postgres';

  constructor(private readonly repository: SearchRepository) {}

  async search(request: SearchRequest): Promise<SearchFound[]> {
    const rows = await this.repository.search(request.tenantId, request);
    return rows.map(({ marked, ...row }) => ({ row, marked }));
  }
}
