import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not track index storage parameters). GIN takes new messages' words
 * into a pending list, and whichever insert finds the list over its limit merges it into the index
 * inside its own statement. At the default 4 MB that was every 15,000 messages or so, and that one
 * batch of sends took 100-140 ms longer, with every message waiting behind it. At 256 kB the merges
 * are sixteen times smaller. Turning the list off instead made every batch a fifth slower.
 */
export class SearchIndexSmallPendingList1795591000000 implements MigrationInterface {
  name = 'SearchIndexSmallPendingList1795591000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" SET (gin_pending_list_limit = 256)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" RESET (gin_pending_list_limit)');
  }
}
