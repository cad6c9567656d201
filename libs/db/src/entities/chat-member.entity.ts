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
import { ChatEntity } from './chat.entity.js';
import { UserEntity } from './user.entity.js';

@Entity('chat_members')
@Check('chat_members_role_check', `"role" IN ('owner', 'admin', 'member')`)
@Index('chat_members_user_idx', ['tenantId', 'userId'])
export class ChatMemberEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'chat_id' }) chatId!: string;
  @PrimaryColumn('text', { name: 'user_id' }) userId!: string;
  @Column('text') role!: 'owner' | 'admin' | 'member';
  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' }) joinedAt!: Date;
  /** Receipts are pointers, not per-message rows: O(members) even for a 100,000-member group. */
  @Column('bigint', { name: 'delivered_seq', default: 0 }) deliveredSeq!: number;
  @Column('bigint', { name: 'read_seq', default: 0 }) readSeq!: number;
  @Column('timestamptz', { name: 'muted_until', nullable: true }) mutedUntil!: Date | null;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'chat_id', referencedColumnName: 'id' },
  ])
  chat?: ChatEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: UserEntity;
}
