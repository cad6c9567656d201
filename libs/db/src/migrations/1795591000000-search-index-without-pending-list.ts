import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not track index storage parameters). With GIN's fast update, new
 * messages' words wait in a pending list, and whichever insert finds it over 4 MB merges it into the
 * index inside its own statement: every 15,000 messages or so one batch of sends took over 100 ms
 * longer, and every message waiting behind it too. Without it each insert updates the index itself,
 * which measured no slower per message.
 */
export class SearchIndexWithoutPendingList1795591000000 implements MigrationInterface {
  name = 'SearchIndexWithoutPendingList1795591000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" SET (fastupdate = off)');
    // Words already pending go into the index now, not in some later send's statement.
    await runner.query(`SELECT gin_clean_pending_list('messages_search_idx'::regclass)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER INDEX "messages_search_idx" RESET (fastupdate)');
  }
}
