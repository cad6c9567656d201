import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Client, estypes } from '@elastic/elasticsearch';
import type { TenantId } from '@parley/db';
import type { MessageRow } from '@parley/messages';
import {
  documentId,
  INDEX_MAPPINGS,
  INDEX_SETTINGS,
  searchBody,
  toDocument,
  type MessageDocument,
} from './elasticsearch-query.js';
import type { SearchRequest } from './search-backend.js';
import type { WebSearchQuery } from './web-search.js';

/** The client, or null when `ELASTICSEARCH_URL` is unset (tests replace it with the official mock). */
export const ELASTICSEARCH_CLIENT = Symbol('parley.elasticsearch-client');

/** The alias every read and write goes through; the index behind it is `<alias>-<timestamp>`. */
export const MESSAGES_ALIAS = 'parley-messages';

/** `parley-messages-20260125104512345`: the alias, then the creation time to the millisecond. */
const newIndexName = (): string =>
  `${MESSAGES_ALIAS}-${new Date().toISOString().replace(/\D/g, '').slice(0, 17)}`;

export interface IndexHit {
  messageId: string;
  marked: string | null;
}

/** Everything Parley asks of Elasticsearch: create the index, write documents, search, rebuild. */
@Injectable()
export class ElasticsearchIndex implements OnApplicationShutdown {
  private readonly logger = new Logger('ElasticsearchIndex');
  private ready: Promise<void> | null = null;

  constructor(@Inject(ELASTICSEARCH_CLIENT) private readonly elasticsearch: Client | null) {}

  get enabled(): boolean {
    return this.elasticsearch !== null;
  }

  /** Creates the index and its alias on first use; a failure is retried on the next call. */
  ensure(): Promise<void> {
    this.ready ??= this.createIfMissing().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async search(request: SearchRequest, query: WebSearchQuery): Promise<IndexHit[]> {
    await this.ensure();
    const result = await this.client.search<Pick<MessageDocument, 'messageId'>>({
      index: MESSAGES_ALIAS,
      ...searchBody(request, query),
    });
    return result.hits.hits.flatMap((hit) =>
      hit._source ? [{ messageId: hit._source.messageId, marked: hit.highlight?.text?.[0] ?? null }] : [],
    );
  }

  /**
   * Makes the index agree with these rows: live messages with text are (re)indexed, the rest removed.
   * Each write carries the message's version as an external version, so a slower job holding an older
   * state can never overwrite a newer one; such refusals (409) and removals of what is not there (404)
   * are success. `missing` are ids Postgres no longer has.
   */
  async write(
    tenantId: TenantId,
    rows: MessageRow[],
    missing: string[] = [],
    index = MESSAGES_ALIAS,
  ): Promise<void> {
    const operations: (estypes.BulkOperationContainer | MessageDocument)[] = [];
    const target = (messageId: string, version?: number) => ({
      _index: index,
      _id: documentId(tenantId, messageId),
      routing: tenantId,
      ...(version === undefined ? {} : { version, version_type: 'external' as const }),
    });
    for (const row of rows) {
      if (row.deletedAt === null && row.text !== null) {
        operations.push({ index: target(row.id, row.version) }, toDocument(tenantId, row));
      } else {
        operations.push({ delete: target(row.id, row.version) });
      }
    }
    for (const messageId of missing) operations.push({ delete: target(messageId) });
    if (operations.length === 0) return;
    await this.ensure();
    const result = await this.client.bulk({ operations });
    if (!result.errors) return;
    const failed = result.items
      .map((item) => Object.values(item)[0] as estypes.BulkResponseItem)
      .filter((item) => item.status !== 409 && item.status !== 404 && item.error);
    if (failed.length > 0) {
      throw new Error(
        `Elasticsearch refused ${failed.length} of ${result.items.length} index operations: ${JSON.stringify(failed[0]?.error)}`,
      );
    }
  }

  /**
   * Builds a fresh index, lets `fill` write into it, points the alias at it and drops the indices it
   * replaced. Reads and writes keep going to the old index until the alias moves.
   */
  async rebuild(fill: (index: string) => Promise<void>): Promise<{ index: string; replaced: string[] }> {
    const index = newIndexName();
    await this.client.indices.create({ index, settings: INDEX_SETTINGS, mappings: INDEX_MAPPINGS });
    await fill(index);
    await this.client.indices.refresh({ index });
    const replaced = await this.indicesBehindAlias();
    await this.client.indices.updateAliases({
      actions: [
        ...replaced.map((old) => ({ remove: { index: old, alias: MESSAGES_ALIAS } })),
        { add: { index, alias: MESSAGES_ALIAS } },
      ],
    });
    if (replaced.length > 0) await this.client.indices.delete({ index: replaced });
    this.ready = Promise.resolve();
    return { index, replaced };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.elasticsearch?.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'closing the Elasticsearch client failed');
    });
  }

  private get client(): Client {
    if (!this.elasticsearch) throw new Error('ELASTICSEARCH_URL is not set');
    return this.elasticsearch;
  }

  private async createIfMissing(): Promise<void> {
    if (await this.client.indices.existsAlias({ name: MESSAGES_ALIAS })) return;
    const index = newIndexName();
    try {
      await this.client.indices.create({
        index,
        settings: INDEX_SETTINGS,
        mappings: INDEX_MAPPINGS,
        aliases: { [MESSAGES_ALIAS]: {} },
      });
      this.logger.log({ index, alias: MESSAGES_ALIAS }, 'created the search index');
    } catch (error) {
      // Another node created it first.
      if (!(await this.client.indices.existsAlias({ name: MESSAGES_ALIAS }))) throw error;
    }
  }

  private async indicesBehindAlias(): Promise<string[]> {
    if (!(await this.client.indices.existsAlias({ name: MESSAGES_ALIAS }))) return [];
    return Object.keys(await this.client.indices.getAlias({ name: MESSAGES_ALIAS }));
  }
}
