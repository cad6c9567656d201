import type { TenantId } from '@parley/db';
import type { MessageRow } from '@parley/messages';

/** What either backend is asked: one page of a tenant's live messages matching `query`, newest first. */
export interface SearchRequest {
  tenantId: TenantId;
  /** Web-search syntax (see `web-search.ts`), trimmed, never empty. */
  query: string;
  /** Only these chats (never empty); null searches every chat of the tenant. */
  chatIds: string[] | null;
  /** An upper bound of the messages in `chatIds`, when known. */
  scopeSize: number | null;
  /** Only messages older than this message id (the page cursor). */
  before: string | null;
  limit: number;
}

/** A hit: the message as Postgres has it now, and its text with the matches marked (see `highlight.ts`). */
export interface SearchFound {
  row: MessageRow;
  marked: string | null;
}

/** Postgres full-text search, or Elasticsearch when `ELASTICSEARCH_URL` is set; one contract suite. */
export interface SearchBackend {
  readonly name: 'postgres' | 'elasticsearch';
  search(request: SearchRequest): Promise<SearchFound[]>;
}

export const SEARCH_BACKEND = Symbol('parley.search-backend');
