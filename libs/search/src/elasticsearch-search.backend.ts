import { Injectable } from '@nestjs/common';
import { ElasticsearchIndex } from './elasticsearch.index.js';
import type { SearchBackend, SearchFound, SearchRequest } from './search-backend.js';
import { SearchRepository } from './search.repository.js';
import { parseWebSearch } from './web-search.js';

/**
 * Elasticsearch finds the ids and marks the matches; Postgres, the source of truth, supplies the
 * messages. A hit the index still has but Postgres has since deleted, or that is no longer in the
 * searched chats, is dropped, so a lagging index can never show a deleted or erased message.
 */
@Injectable()
export class ElasticsearchSearchBackend implements SearchBackend {
  readonly name = 'elasticsearch';

  constructor(
    private readonly index: ElasticsearchIndex,
    private readonly repository: SearchRepository,
  ) {}

  async search(request: SearchRequest): Promise<SearchFound[]> {
    const query = parseWebSearch(request.query);
    if (query.length === 0) return [];
    const hits = await this.index.search(request, query);
    const rows = new Map(
      (
        await this.repository.messages(
          request.tenantId,
          hits.map((h) => h.messageId),
        )
      ).map((r) => [r.id, r]),
    );
    const chats = request.chatIds && new Set(request.chatIds);
    return hits.flatMap(({ messageId, marked }) => {
      const row = rows.get(messageId);
      if (!row || row.deletedAt !== null || row.text === null) return [];
      if (chats && !chats.has(row.chatId)) return [];
      return [{ row, marked }];
    });
  }
}
