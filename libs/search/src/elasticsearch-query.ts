import type { estypes } from '@elastic/elasticsearch';
import type { MessageRow } from '@parley/messages';
import { MATCH_END, MATCH_START, withoutMarkers } from './highlight.js';
import type { SearchRequest } from './search-backend.js';
import type { SearchTerm, WebSearchQuery } from './web-search.js';

/** What one message looks like in the index. `_id` is `<tenantId>:<messageId>`; routing is the tenant. */
export interface MessageDocument {
  tenantId: string;
  chatId: string;
  messageId: string;
  /** The text with the highlight markers replaced, so that a message cannot forge a match. */
  text: string;
  createdAt: string;
}

/**
 * One index per deployment behind this alias (the reindex builds a new index and moves the alias).
 * The text is analysed by the standard analyzer: Unicode word boundaries, lowercased, not stemmed,
 * no stop words — as close as Elasticsearch gets to Postgres' 'simple' configuration, and better at
 * text without spaces (Chinese, Japanese), which it splits per character.
 */
export const INDEX_SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1 };
export const INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  _routing: { required: true },
  properties: {
    tenantId: { type: 'keyword' },
    chatId: { type: 'keyword' },
    messageId: { type: 'keyword' },
    text: { type: 'text', analyzer: 'standard' },
    createdAt: { type: 'date' },
  },
};

/** Tenants share the index; a document's id carries its tenant so no tenant can overwrite another's. */
export const documentId = (tenantId: string, messageId: string): string => `${tenantId}:${messageId}`;

export const toDocument = (tenantId: string, row: MessageRow): MessageDocument => ({
  tenantId,
  chatId: row.chatId,
  messageId: row.id,
  text: withoutMarkers(row.text ?? ''),
  createdAt: row.createdAt.toISOString(),
});

/**
 * The search body for a request. The tenant filter is in every query (tenant isolation does not rest on
 * routing, which only picks the shard); the chat filter narrows to the caller's chats; the cursor is a
 * range on the message id, which sorts like Postgres' uuid order (lowercase hex). The whole text comes
 * back with markers around each matched word, to become a plain-text highlight.
 */
export function searchBody(request: SearchRequest, query: WebSearchQuery): estypes.SearchRequest {
  const filter: estypes.QueryDslQueryContainer[] = [{ term: { tenantId: request.tenantId } }];
  if (request.chatIds !== null) filter.push({ terms: { chatId: request.chatIds } });
  if (request.before !== null) filter.push({ range: { messageId: { lt: request.before } } });
  return {
    routing: request.tenantId,
    size: request.limit,
    track_total_hits: false,
    _source: ['messageId'],
    query: { bool: { filter, must: [textQuery(query)] } },
    sort: [{ messageId: { order: 'desc' } }],
    highlight: {
      fields: {
        text: { number_of_fragments: 0, pre_tags: [MATCH_START], post_tags: [MATCH_END] },
      },
    },
  };
}

/** Alternatives (should) of conjunctions (must / must_not), as `websearch_to_tsquery` builds them. */
function textQuery(query: WebSearchQuery): estypes.QueryDslQueryContainer {
  return {
    bool: {
      minimum_should_match: 1,
      should: query.map((terms) => ({
        bool: {
          must: terms.filter((t) => !t.negated).map(termQuery),
          must_not: terms.filter((t) => t.negated).map(termQuery),
        },
      })),
    },
  };
}

function termQuery(term: SearchTerm): estypes.QueryDslQueryContainer {
  return term.kind === 'phrase'
    ? { match_phrase: { text: term.text } }
    : // A "word" like hello-world is every word in it, as Postgres has it.
      { match: { text: { query: term.text, operator: 'and' } } };
}
