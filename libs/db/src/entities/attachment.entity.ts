import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A file uploaded into a chat (libs/attachments): its stored object(s) are `<tenant>/<id>/original`
 * and, for images, `<tenant>/<id>/thumbnail`. There is no foreign key to chats or messages on
 * purpose: a row is the only record of its stored objects, so it is never removed by a cascade but
 * only together with them (message delete, user erasure, the sweeper).
 */
@Entity('attachments')
// The attachments of a message, when it is deleted.
@Index('attachments_message_idx', ['tenantId', 'messageId'], { where: '"message_id" IS NOT NULL' })
// Everything a user uploaded, when they are erased.
@Index('attachments_uploader_idx', ['tenantId', 'uploaderId'])
// The sweeper, across tenants: uploads never attached to a message, oldest first…
@Index('attachments_unattached_idx', ['createdAt'], {
  where: '"attached_at" IS NULL AND "deleted_at" IS NULL',
})
// …and deletions whose stored objects are still to be removed.
@Index('attachments_deleted_idx', ['deletedAt'], { where: '"deleted_at" IS NOT NULL' })
export class AttachmentEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'chat_id' }) chatId!: string;
  @Column('text', { name: 'uploader_id' }) uploaderId!: string;
  /** Set when a send claims the upload, before its message is written; see `attachedAt`. */
  @Column('uuid', { name: 'message_id', nullable: true }) messageId!: string | null;
  /** Set once the message that claimed it is stored: until then the sweeper may collect it. */
  @Column('timestamptz', { name: 'attached_at', nullable: true }) attachedAt!: Date | null;
  /** The client's file name, sanitised. */
  @Column('text') name!: string;
  /** Sniffed from the bytes. */
  @Column('text') mime!: string;
  @Column('bigint') size!: number;
  @Column('integer', { nullable: true }) width!: number | null;
  @Column('integer', { nullable: true }) height!: number | null;
  /** Bytes of the thumbnail object; null when there is none. */
  @Column('integer', { name: 'thumbnail_size', nullable: true }) thumbnailSize!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Deleted: invisible to everyone; its objects and then the row are removed (retried by the sweeper). */
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
