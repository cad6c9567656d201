import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not track index storage parameters). The message writer now merges
 * the search index's pending list from another connection every thousand messages (SearchPendingList
 * in @parley/messages), so an insert merges it only when that falls behind. The limit leaves room
 * for a thousand messages and more: at 256 kB inserts would still reach it between two merges.
 */
export class SearchIndexMergedByWriter1795592000000 implements MigrationInterface {
  name = 'SearchIndexMergedByWriter1795592000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" SET (gin_pending_list_limit = 1024)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" SET (gin_pending_list_limit = 256)');
  }
}
