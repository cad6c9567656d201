import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { WebhookEntity } from './webhook.entity.js';

/** One event for one endpoint: its exact body (the same on every try) and how the tries went. */
@Entity('webhook_deliveries')
@Check('webhook_deliveries_status_check', `"status" IN ('pending', 'delivered', 'failed')`)
// An event is recorded once per endpoint, however often its fan-out runs.
@Index('webhook_deliveries_event_uq', ['tenantId', 'webhookId', 'eventId'], { unique: true })
// The delivery log, newest first (ids are UUIDv7, so in creation order).
@Index('webhook_deliveries_log_idx', ['tenantId', 'webhookId', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'webhook_id' }) webhookId!: string;
  @Column('uuid', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'event_type' }) eventType!: string;
  /** The raw JSON body, signed and sent byte for byte on every try. */
  @Column('text') body!: string;
  @Column('text', { default: 'pending' }) status!: 'pending' | 'delivered' | 'failed';
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('integer', { name: 'last_status_code', nullable: true }) lastStatusCode!: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'webhook_id', referencedColumnName: 'id' },
  ])
  webhook?: WebhookEntity;
}
