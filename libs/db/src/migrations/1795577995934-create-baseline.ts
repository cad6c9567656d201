import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBaseline1795577995934 implements MigrationInterface {
  name = 'CreateBaseline1795577995934';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "tenants" ("id" uuid NOT NULL, "name" text NOT NULL, "publishable_key" text NOT NULL, "settings" jsonb NOT NULL DEFAULT \'{}\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_b945f8b4b80a676f9820b980fd4" UNIQUE ("publishable_key"), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "api_keys" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "lookup_hash" text NOT NULL, "secret_ciphertext" text NOT NULL, "last4" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_2eec559a71153433086e53260e0" UNIQUE ("lookup_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))',
    );
    await runner.query('CREATE INDEX "api_keys_tenant_idx" ON "api_keys"  ("tenant_id") ');
    await runner.query(
      'CREATE TABLE "chats" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "kind" text NOT NULL, "title" text, "distinct_key" text, "version" bigint NOT NULL DEFAULT \'0\', "last_seq" bigint NOT NULL DEFAULT \'0\', "member_count" integer NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_message_at" TIMESTAMP WITH TIME ZONE, "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chats_kind_check" CHECK ("kind" IN (\'direct\', \'group\')), CONSTRAINT "PK_3c5e7c39572850080bd0d696078" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE INDEX "chats_activity_idx" ON "chats"  ("tenant_id", "last_activity_at", "id") ',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "chats_distinct_key_uq" ON "chats"  ("tenant_id", "distinct_key") WHERE "distinct_key" IS NOT NULL',
    );
    await runner.query(
      'CREATE TABLE "users" ("tenant_id" uuid NOT NULL, "id" text NOT NULL, "name" text, "avatar_url" text, "metadata" jsonb NOT NULL DEFAULT \'{}\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "tokens_valid_after" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_96bb2f14a3cd3f8e046898b08b4" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE TABLE "chat_members" ("tenant_id" uuid NOT NULL, "chat_id" uuid NOT NULL, "user_id" text NOT NULL, "role" text NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_seq" bigint NOT NULL DEFAULT \'0\', "read_seq" bigint NOT NULL DEFAULT \'0\', "muted_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chat_members_role_check" CHECK ("role" IN (\'owner\', \'admin\', \'member\')), CONSTRAINT "PK_9fe699cf533f4bd1080ff17737d" PRIMARY KEY ("tenant_id", "chat_id", "user_id"))',
    );
    await runner.query('CREATE INDEX "chat_members_user_idx" ON "chat_members"  ("tenant_id", "user_id") ');
    await runner.query(
      'CREATE TABLE "messages" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "chat_id" uuid NOT NULL, "seq" bigint NOT NULL, "version" bigint NOT NULL, "sender_id" text, "client_id" text, "kind" text NOT NULL, "text" text, "attachments" jsonb NOT NULL DEFAULT \'[]\', "reply_to" uuid, "reaction_counts" jsonb NOT NULL DEFAULT \'{}\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "edited_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "messages_kind_check" CHECK ("kind" IN (\'text\', \'file\', \'system\')), CONSTRAINT "PK_9a97da372be358c3f7455f4b882" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE INDEX "messages_live_seq_idx" ON "messages"  ("tenant_id", "chat_id", "seq", "sender_id") WHERE "deleted_at" IS NULL',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "messages_client_id_uq" ON "messages"  ("tenant_id", "sender_id", "client_id") WHERE "client_id" IS NOT NULL',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "messages_chat_version_uq" ON "messages"  ("tenant_id", "chat_id", "version") ',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "messages_chat_seq_uq" ON "messages"  ("tenant_id", "chat_id", "seq") ',
    );
    await runner.query(
      'CREATE TABLE "reactions" ("tenant_id" uuid NOT NULL, "message_id" uuid NOT NULL, "user_id" text NOT NULL, "emoji" text NOT NULL, "chat_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c4efb3b52a4bbd5383add91756" PRIMARY KEY ("tenant_id", "message_id", "user_id", "emoji"))',
    );
    await runner.query('CREATE INDEX "reactions_user_idx" ON "reactions"  ("tenant_id", "user_id") ');
    await runner.query(
      'ALTER TABLE "api_keys" ADD CONSTRAINT "FK_3ac18429c8d27858d79432e0dda" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "chats" ADD CONSTRAINT "FK_0fa043ecaaee9b2e6274b129b13" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_109638590074998bb72a2f2cf08" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "chat_members" ADD CONSTRAINT "FK_0204154091486e4dda69a9132dc" FOREIGN KEY ("tenant_id", "chat_id") REFERENCES "chats"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "chat_members" ADD CONSTRAINT "FK_6c0cfb9e428b22ba7249de977d2" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "messages" ADD CONSTRAINT "FK_650cbf74868a7ab0f4d561f3651" FOREIGN KEY ("tenant_id", "chat_id") REFERENCES "chats"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "reactions" ADD CONSTRAINT "FK_b2fc6b557fd0943dd89705aab33" FOREIGN KEY ("tenant_id", "message_id") REFERENCES "messages"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "reactions" DROP CONSTRAINT "FK_b2fc6b557fd0943dd89705aab33"');
    await runner.query('ALTER TABLE "messages" DROP CONSTRAINT "FK_650cbf74868a7ab0f4d561f3651"');
    await runner.query('ALTER TABLE "chat_members" DROP CONSTRAINT "FK_6c0cfb9e428b22ba7249de977d2"');
    await runner.query('ALTER TABLE "chat_members" DROP CONSTRAINT "FK_0204154091486e4dda69a9132dc"');
    await runner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_109638590074998bb72a2f2cf08"');
    await runner.query('ALTER TABLE "chats" DROP CONSTRAINT "FK_0fa043ecaaee9b2e6274b129b13"');
    await runner.query('ALTER TABLE "api_keys" DROP CONSTRAINT "FK_3ac18429c8d27858d79432e0dda"');
    await runner.query('DROP INDEX "public"."reactions_user_idx"');
    await runner.query('DROP TABLE "reactions"');
    await runner.query('DROP INDEX "public"."messages_chat_seq_uq"');
    await runner.query('DROP INDEX "public"."messages_chat_version_uq"');
    await runner.query('DROP INDEX "public"."messages_client_id_uq"');
    await runner.query('DROP INDEX "public"."messages_live_seq_idx"');
    await runner.query('DROP TABLE "messages"');
    await runner.query('DROP INDEX "public"."chat_members_user_idx"');
    await runner.query('DROP TABLE "chat_members"');
    await runner.query('DROP TABLE "users"');
    await runner.query('DROP INDEX "public"."chats_distinct_key_uq"');
    await runner.query('DROP INDEX "public"."chats_activity_idx"');
    await runner.query('DROP TABLE "chats"');
    await runner.query('DROP INDEX "public"."api_keys_tenant_idx"');
    await runner.query('DROP TABLE "api_keys"');
    await runner.query('DROP TABLE "tenants"');
  }
}
