import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPushAndWebhooks1795586781785 implements MigrationInterface {
  name = 'AddPushAndWebhooks1795586781785';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE "devices" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "user_id" text NOT NULL, "kind" text NOT NULL, "token" text NOT NULL, "webpush_keys" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "devices_kind_check" CHECK ("kind" IN (\'fcm\', \'webpush\')), CONSTRAINT "PK_9b097c092bc8d99b24ffca5594d" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query('CREATE INDEX "devices_user_idx" ON "devices"  ("tenant_id", "user_id") ');
    await runner.query(
      'CREATE UNIQUE INDEX "devices_token_uq" ON "devices"  ("tenant_id", "kind", "token") ',
    );
    await runner.query(
      'CREATE TABLE "fcm_credentials" ("tenant_id" uuid NOT NULL, "project_id" text NOT NULL, "client_email" text NOT NULL, "service_account_sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_37988ec7daa23f1d5c6359de158" PRIMARY KEY ("tenant_id"))',
    );
    await runner.query(
      'CREATE TABLE "vapid_keys" ("id" smallint NOT NULL, "public_key" text NOT NULL, "private_key_sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "vapid_keys_single_row" CHECK ("id" = 1), CONSTRAINT "PK_3321d21a46e225fe26b2ba793da" PRIMARY KEY ("id"))',
    );
    await runner.query(
      'CREATE TABLE "webhooks" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "secret_sealed" text NOT NULL, "status" text NOT NULL DEFAULT \'active\', "disabled_reason" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "last_success_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "webhooks_status_check" CHECK ("status" IN (\'active\', \'disabled\')), CONSTRAINT "PK_896eb69ea7cb40b10d2eb3c8db2" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE TABLE "webhook_deliveries" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "webhook_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "body" text NOT NULL, "status" text NOT NULL DEFAULT \'pending\', "attempts" integer NOT NULL DEFAULT \'0\', "last_status_code" integer, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_attempt_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN (\'pending\', \'delivered\', \'failed\')), CONSTRAINT "PK_b41a9153894afa48ae2cccd8dec" PRIMARY KEY ("tenant_id", "id"))',
    );
    await runner.query(
      'CREATE INDEX "webhook_deliveries_log_idx" ON "webhook_deliveries"  ("tenant_id", "webhook_id", "id") ',
    );
    await runner.query(
      'CREATE UNIQUE INDEX "webhook_deliveries_event_uq" ON "webhook_deliveries"  ("tenant_id", "webhook_id", "event_id") ',
    );
    await runner.query(
      'ALTER TABLE "devices" ADD CONSTRAINT "FK_6ea708dac402229825d6a48f45d" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "fcm_credentials" ADD CONSTRAINT "FK_37988ec7daa23f1d5c6359de158" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "webhooks" ADD CONSTRAINT "FK_4d6fcde4ac5ca1d5823f51aa186" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await runner.query(
      'ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_80be90bd4cdf5954850d4888ee5" FOREIGN KEY ("tenant_id", "webhook_id") REFERENCES "webhooks"("tenant_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_80be90bd4cdf5954850d4888ee5"');
    await runner.query('ALTER TABLE "webhooks" DROP CONSTRAINT "FK_4d6fcde4ac5ca1d5823f51aa186"');
    await runner.query('ALTER TABLE "fcm_credentials" DROP CONSTRAINT "FK_37988ec7daa23f1d5c6359de158"');
    await runner.query('ALTER TABLE "devices" DROP CONSTRAINT "FK_6ea708dac402229825d6a48f45d"');
    await runner.query('DROP INDEX "public"."webhook_deliveries_event_uq"');
    await runner.query('DROP INDEX "public"."webhook_deliveries_log_idx"');
    await runner.query('DROP TABLE "webhook_deliveries"');
    await runner.query('DROP TABLE "webhooks"');
    await runner.query('DROP TABLE "vapid_keys"');
    await runner.query('DROP TABLE "fcm_credentials"');
    await runner.query('DROP INDEX "public"."devices_token_uq"');
    await runner.query('DROP INDEX "public"."devices_user_idx"');
    await runner.query('DROP TABLE "devices"');
  }
}
