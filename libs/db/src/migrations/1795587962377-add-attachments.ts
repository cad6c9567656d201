import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAttachments1795587962377 implements MigrationInterface {
  name = 'AddAttachments1795587962377';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "attachments" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "chat_id" uuid NOT NULL, "uploader_id" text NOT NULL, "message_id" uuid, "attached_at" TIMESTAMP WITH TIME ZONE, "name" text NOT NULL, "mime" text NOT NULL, "size" bigint NOT NULL, "width" integer, "height" integer, "thumbnail_size" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_068efe519f1ef329d9dfe367069" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE INDEX "attachments_deleted_idx" ON "attachments"  ("deleted_at") WHERE "deleted_at" IS NOT NULL',
    );
    await runner.query(
      'CREATE INDEX "attachments_unattached_idx" ON "attachments"  ("created_at") WHERE "attached_at" IS NULL AND "deleted_at" IS NULL',
    );
    await runner.query(
      'CREATE INDEX "attachments_uploader_idx" ON "attachments"  ("tenant_id", "uploader_id") ',
    );
    await runner.query(
      'CREATE INDEX "attachments_message_idx" ON "attachments"  ("tenant_id", "message_id") WHERE "message_id" IS NOT NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "public"."attachments_message_idx"');
    await runner.query('DROP INDEX "public"."attachments_uploader_idx"');
    await runner.query('DROP INDEX "public"."attachments_unattached_idx"');
    await runner.query('DROP INDEX "public"."attachments_deleted_idx"');
    await runner.query('DROP TABLE "attachments"');
  }
}
