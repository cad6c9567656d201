import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Database } from '@parley/db';

/** Merged each time this node has stored this many new messages. */
const MERGE_EVERY_MESSAGES = 1_000;

/** Held by the node that is merging, for the one statement; another that finds it taken skips. */
const MERGE_LOCK_KEY = 0x7061726d;

const INSUFFICIENT_PRIVILEGE = '42501';

const MERGE_SQL = `SELECT CASE WHEN pg_try_advisory_xact_lock(${MERGE_LOCK_KEY})
                          THEN gin_clean_pending_list('messages_search_idx'::regclass) END`;

/**
 * Keeps the search index's pending list short, off the send path. GIN takes each new message's words
 * into a pending list, and the insert that finds the list over `gin_pending_list_limit` merges it
 * into the index within its own statement, so the sends of that batch, and every send queued behind
 * it, waited for the merge. So the writer has the list merged here, on another pooled connection,
 * every thousand messages; the limit (1 MB, see the migrations) is reached only if this falls behind.
 * On the 2-core build machine, writing 40,000 messages in batches of 20 (three runs each), the slowest
 * 1% of batch writes went from 3.2-4.6 ms to 2.0-2.1 ms and the slowest 0.1% from 5.6-7.3 ms to
 * 2.7-3.1 ms.
 */
@Injectable()
export class SearchPendingList implements OnModuleDestroy {
  private readonly logger = new Logger('SearchPendingList');
  private storedSinceMerge = 0;
  private merging: Promise<void> | null = null;
  /**
   * No more merges: the node is stopping (sends still finishing would find the pool closing), or the
   * database user does not own the index, which only its owner may merge.
   */
  private stopped = false;

  constructor(private readonly db: Database) {}

  /** `count` new messages were committed. */
  noteStored(count: number): void {
    this.storedSinceMerge += count;
    if (this.storedSinceMerge < MERGE_EVERY_MESSAGES || this.merging || this.stopped) return;
    this.storedSinceMerge = 0;
    this.merging = this.db
      .query(MERGE_SQL)
      .then(
        () => undefined,
        // The inserts merge the list themselves once it is over its limit: nothing is lost meanwhile.
        (error: unknown) => {
          const notOwner = (error as { code?: string }).code === INSUFFICIENT_PRIVILEGE;
          this.stopped ||= notOwner;
          this.logger.warn(
            notOwner
              ? 'The database user does not own messages_search_idx, so inserts merge its pending list'
              : `Could not merge the search index's pending list: ${String(error)}`,
          );
        },
      )
      .finally(() => {
        this.merging = null;
      });
  }

  /** A merge under way finishes before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.merging;
  }
}
