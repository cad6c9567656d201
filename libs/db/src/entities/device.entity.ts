import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from './user.entity.js';

/** A push target of one user: an FCM registration token or a browser's Web Push subscription. */
@Entity('devices')
@Check('devices_kind_check', `"kind" IN ('fcm', 'webpush')`)
// One row per token in a tenant: registering it again (perhaps for another user) updates that row.
@Index('devices_token_uq', ['tenantId', 'kind', 'token'], { unique: true })
// Fan-out looks up the devices of a chunk of members.
@Index('devices_user_idx', ['tenantId', 'userId'])
export class DeviceEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text') kind!: 'fcm' | 'webpush';
  /** The FCM registration token, or the Web Push endpoint URL. */
  @Column('text') token!: string;
  /** Web Push: the subscription's `{ p256dh, auth }` (base64url); null for FCM. */
  @Column('jsonb', { name: 'webpush_keys', nullable: true }) webpushKeys!: {
    p256dh: string;
    auth: string;
  } | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;
}
