import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { trustTenantId, type TenantId } from '@parley/db';
import { ChatEvents, type ChatEvent } from '@parley/fanout';
import type { MessageRow } from '@parley/messages';
import { InjectJobQueue, jobId, type IndexJob, type ParleyJobQueue } from '@parley/queue';
import { TenantsService } from '@parley/tenancy';
import { ElasticsearchIndex } from './elasticsearch.index.js';
import { SearchRepository } from './search.repository.js';

/** Changes are gathered this long, per tenant, into one job and one bulk request. */
const BATCH_WINDOW_MS = 100;
const BATCH_MAX = 500;
const REINDEX_PAGE = 1_000;
/** Changes this long before a rebuild started are written again after it, against clock skew. */
const REINDEX_OVERLAP_MS = 60_000;

export interface ReindexReport {
  index: string;
  replaced: string[];
  tenants: number;
  indexed: number;
  /** Messages changed while the copy ran, written again into the new index before it went live. */
  caughtUp: number;
}

/**
 * Keeps Elasticsearch in step with Postgres when `ELASTICSEARCH_URL` is set: every committed message
 * change (new, edited, deleted — erasure deletes too) becomes an `index` job, batched per tenant, whose
 * handler writes Postgres' current state in one bulk request. Reaction changes leave the text alone and
 * are skipped. With Postgres search there is nothing to keep in step.
 */
@Injectable()
export class SearchIndexer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SearchIndexer');
  /** Per tenant: message id → the version of its latest change, which names the job. */
  private readonly pending = new Map<TenantId, Map<string, number>>();
  private timer: NodeJS.Timeout | null = null;
  private stopObserving: (() => void) | null = null;

  constructor(
    private readonly events: ChatEvents,
    private readonly index: ElasticsearchIndex,
    private readonly repository: SearchRepository,
    private readonly tenants: TenantsService,
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
  ) {}

  onModuleInit(): void {
    if (!this.index.enabled) return;
    // Runs jobs only where jobs are processed (apps/worker, or the API with PARLEY_WORKERS=inline).
    this.queue.process('index', (job) => this.apply(job));
    this.stopObserving = this.events.observe((event) => this.onChatEvent(event));
  }

  /** Hands over the last batch before the queue drains (beforeApplicationShutdown) and the client closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopObserving?.();
    await this.flush();
  }

  /** The `index` job handler: the index takes Postgres' current state of these messages. */
  async apply(job: IndexJob): Promise<void> {
    const tenantId = trustTenantId(job.tenantId);
    const rows = await this.repository.messages(tenantId, job.messageIds);
    const found = new Set(rows.map((r) => r.id));
    await this.index.write(
      tenantId,
      rows,
      job.messageIds.filter((id) => !found.has(id)),
    );
  }

  /**
   * Rebuilds the index from Postgres: every tenant's live messages go into a new index, changes made
   * meanwhile are written again, and then the alias moves to it, so searches never see a half-built
   * index. Live indexing continues into the old index until the alias moves, and into the new one after.
   */
  async reindex(): Promise<ReindexReport> {
    const started = new Date(Date.now() - REINDEX_OVERLAP_MS);
    const tenantIds = (await this.tenants.list()).map((t) => trustTenantId(t.id));
    let indexed = 0;
    let caughtUp = 0;
    const { index, replaced } = await this.index.rebuild(async (target) => {
      for (const tenantId of tenantIds) {
        indexed += await this.copy(tenantId, target, (after) =>
          this.repository.livePage(tenantId, after, REINDEX_PAGE),
        );
      }
      for (const tenantId of tenantIds) {
        caughtUp += await this.copy(tenantId, target, (after) =>
          this.repository.changedPage(tenantId, started, after, REINDEX_PAGE),
        );
      }
    });
    this.logger.log({ index, replaced, indexed, caughtUp }, 'search index rebuilt');
    return { index, replaced, tenants: tenantIds.length, indexed, caughtUp };
  }

  private async copy(
    tenantId: TenantId,
    target: string,
    page: (afterId: string | null) => Promise<MessageRow[]>,
  ): Promise<number> {
    let count = 0;
    for (let after: string | null = null; ;) {
      const rows = await page(after);
      if (rows.length === 0) return count;
      await this.index.write(tenantId, rows, [], target);
      count += rows.length;
      after = rows.at(-1)!.id;
    }
  }

  private onChatEvent(event: ChatEvent): void {
    const textMayHaveChanged =
      event.event === 'message:new' ||
      event.event === 'message:deleted' ||
      (event.event === 'message:updated' && !event.payload.reaction);
    if (!textMayHaveChanged) return;
    const { id, version } = event.payload.message;
    const versions = this.pending.get(event.tenantId) ?? new Map<string, number>();
    versions.set(id, Math.max(version, versions.get(id) ?? 0));
    this.pending.set(event.tenantId, versions);
    if (versions.size >= BATCH_MAX) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
  }

  private async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [tenantId, versions] of batches) {
      const job = {
        id: indexJobId(tenantId, versions),
        payload: { tenantId, messageIds: [...versions.keys()] },
      };
      await this.queue.enqueue('index', job).catch((error: unknown) => {
        this.logger.error({ err: error, tenantId, messages: versions.size }, 'could not enqueue index job');
      });
    }
  }
}

/**
 * Named by the changes it carries (message ids at their versions): the same changes enqueued twice
 * make one job, and a later change of the same messages makes another.
 */
function indexJobId(tenantId: TenantId, versions: Map<string, number>): string {
  const digest = createHash('sha256');
  for (const [id, version] of [...versions].sort(([a], [b]) => (a < b ? -1 : 1)))
    digest.update(`${id}@${version};`);
  return jobId('index', tenantId, digest.digest('base64url').slice(0, 32));
}
