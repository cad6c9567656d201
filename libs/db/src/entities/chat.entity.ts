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
import { TenantEntity } from './tenant.entity.js';

@Entity('chats')
@Check('chats_kind_check', `"kind" IN ('direct', 'group')`)
@Index('chats_distinct_key_uq', ['tenantId', 'distinctKey'], {
  unique: true,
  where: '"distinct_key" IS NOT NULL',
})
@Index('chats_activity_idx', ['tenantId', 'lastActivityAt', 'id'])
export class ChatEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: 'direct' | 'group';
  @Column('text', { nullable: true }) title!: string | null;
  /** Sorted member ids of a direct chat, so that two users always share one. */
  @Column('text', { name: 'distinct_key', nullable: true }) distinctKey!: string | null;
  /**
   * The chat counter: every change in the chat takes the next value in the same transaction, holding
   * this row's lock until commit, so numbers become visible in the order they were taken.
   */
  @Column('bigint', { default: 0 }) version!: number;
  @Column('bigint', { name: 'last_seq', default: 0 }) lastSeq!: number;
  @Column('integer', { name: 'member_count', default: 0 }) memberCount!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_message_at', nullable: true }) lastMessageAt!: Date | null;
  /** `last_message_at`, or `created_at` before the first message: the order of "my chats". */
  @Column('timestamptz', { name: 'last_activity_at', default: () => 'now()' }) lastActivityAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;
}
