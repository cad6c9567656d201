import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Column } from 'typeorm';
import { MessageEntity } from './message.entity.js';

@Entity('reactions')
@Index('reactions_user_idx', ['tenantId', 'userId'])
export class ReactionEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @PrimaryColumn('text', { name: 'user_id' }) userId!: string;
  @PrimaryColumn('text') emoji!: string;
  @Column('uuid', { name: 'chat_id' }) chatId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'message_id', referencedColumnName: 'id' },
  ])
  message?: MessageEntity;
}
