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

@Entity('messages')
@Check('messages_kind_check', `"kind" IN ('text', 'file', 'system')`)
// History pages walk (chat, seq); catch-up walks (chat, version).
@Index('messages_chat_seq_uq', ['tenantId', 'chatId', 'seq'], { unique: true })
@Index('messages_chat_version_uq', ['tenantId', 'chatId', 'version'], { unique: true })
// A resend of the same (sender, clientId) finds the original instead of creating a twin.
@Index('messages_client_id_uq', ['tenantId', 'senderId', 'clientId'], {
  unique: true,
  where: '"client_id" IS NOT NULL',
})
// Unread counts: live messages after a read pointer.
@Index('messages_live_seq_idx', ['tenantId', 'chatId', 'seq', 'senderId'], { where: '"deleted_at" IS NULL' })
export class MessageEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'chat_id' }) chatId!: string;
  @Column('bigint') seq!: number;
  @Column('bigint') version!: number;
  @Column('text', { name: 'sender_id', nullable: true }) senderId!: string | null;
  @Column('text', { name: 'client_id', nullable: true }) clientId!: string | null;
  @Column('text') kind!: 'text' | 'file' | 'system';
  @Column('text', { nullable: true }) text!: string | null;
  @Column('jsonb', { default: () => "'[]'" }) attachments!: unknown[];
  @Column('uuid', { name: 'reply_to', nullable: true }) replyTo!: string | null;
  /** `{ emoji: count }`, kept beside the reactions rows so a page of history needs no aggregate. */
  @Column('jsonb', { name: 'reaction_counts', default: () => "'{}'" }) reactionCounts!: Record<
    string,
    number
  >;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'edited_at', nullable: true }) editedAt!: Date | null;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  /**
   * Full-text search (libs/search): the text's words, lowercased and unstemmed ('simple'), since chat
   * text comes in every language. Stored rather than an expression index so that the planner's
   * rechecks and filters are cheap and its cost estimates hold (see libs/search/README). Tombstones
   * (text NULL) are left out of the index by its predicate.
   */
  @Index('messages_search_idx', { type: 'gin', where: '"deleted_at" IS NULL' })
  @Column({
    type: 'tsvector',
    name: 'search_vector',
    generatedType: 'STORED',
    asExpression: `to_tsvector('simple'::regconfig, COALESCE("text", ''))`,
    select: false,
    insert: false,
    update: false,
  })
  searchVector?: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId' },
    { name: 'chat_id', referencedColumnName: 'id' },
  ])
  chat?: ChatEntity;
}
