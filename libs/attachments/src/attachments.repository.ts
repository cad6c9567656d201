import { Injectable } from '@nestjs/common';
import { Database, Rollback, type TenantId } from '@parley/db';

export interface AttachmentRow {
  id: string;
  chatId: string;
  uploaderId: string;
  messageId: string | null;
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnailSize: number | null;
  createdAt: Date;
  attachedAt: Date | null;
}

export type AttachOutcome = { attached: AttachmentRow[] } | { missing: string[]; taken: string[] };

/** A row marked deleted, whose stored objects are to be removed. */
export interface DoomedAttachment {
  tenantId: TenantId;
  id: string;
  thumbnailSize: number | null;
}

const COLUMNS = `a.id, a.chat_id AS "chatId", a.uploader_id AS "uploaderId", a.message_id AS "messageId",
  a.name, a.mime, a.size, a.width, a.height, a.thumbnail_size AS "thumbnailSize",
  a.created_at AS "createdAt", a.attached_at AS "attachedAt"`;

@Injectable()
export class AttachmentsRepository {
  constructor(private readonly db: Database) {}

  async insert(
    tenantId: TenantId,
    row: Omit<AttachmentRow, 'messageId' | 'createdAt' | 'attachedAt'>,
  ): Promise<AttachmentRow> {
    const [inserted] = await this.db.query<AttachmentRow>(
      `INSERT INTO attachments AS a (tenant_id, id, chat_id, uploader_id, name, mime, size, width, height, thumbnail_size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        tenantId,
        row.id,
        row.chatId,
        row.uploaderId,
        row.name,
        row.mime,
        row.size,
        row.width,
        row.height,
        row.thumbnailSize,
      ],
    );
    return inserted!;
  }

  /** A live (not deleted) attachment. */
  async get(tenantId: TenantId, id: string): Promise<AttachmentRow | null> {
    const [row] = await this.db.query<AttachmentRow>(
      `SELECT ${COLUMNS} FROM attachments a WHERE a.tenant_id = $1 AND a.id = $2 AND a.deleted_at IS NULL`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /**
   * Attaches to `messageId` those of `ids` that `uploaderId` uploaded into `chatId` and that are in no
   * message yet, all or none: answers the attached rows, or what stood in the way.
   */
  async attach(
    tenantId: TenantId,
    chatId: string,
    uploaderId: string,
    ids: string[],
    messageId: string,
  ): Promise<AttachOutcome> {
    return this.db.transaction<AttachOutcome>(async (tx) => {
      const rows = await tx.query<AttachmentRow>(
        `UPDATE attachments a SET message_id = $5, attached_at = now()
          WHERE a.tenant_id = $1 AND a.chat_id = $2 AND a.uploader_id = $3 AND a.id = ANY($4::uuid[])
            AND a.message_id IS NULL AND a.deleted_at IS NULL
          RETURNING ${COLUMNS}`,
        [tenantId, chatId, uploaderId, ids, messageId],
      );
      if (rows.length === ids.length) return { attached: rows };
      const found = new Set(rows.map((r) => r.id));
      const taken = await tx.query<{ id: string }>(
        `SELECT a.id FROM attachments a
          WHERE a.tenant_id = $1 AND a.chat_id = $2 AND a.uploader_id = $3 AND a.id = ANY($4::uuid[])
            AND a.message_id IS NOT NULL AND a.deleted_at IS NULL`,
        [tenantId, chatId, uploaderId, ids],
      );
      const takenIds = new Set(taken.map((t) => t.id));
      // Rolled back: a send attaches all of its files or none.
      throw new Rollback({
        missing: ids.filter((id) => !found.has(id) && !takenIds.has(id)),
        taken: ids.filter((id) => takenIds.has(id)),
      });
    });
  }

  /** Undoes `attach` for a send that did not store its message. */
  async detach(tenantId: TenantId, messageId: string): Promise<void> {
    await this.db.query(
      `UPDATE attachments SET message_id = NULL, attached_at = NULL WHERE tenant_id = $1 AND message_id = $2`,
      [tenantId, messageId],
    );
  }

  async markDeletedByMessages(tenantId: TenantId, messageIds: string[]): Promise<DoomedAttachment[]> {
    return this.db.query<DoomedAttachment>(
      `UPDATE attachments SET deleted_at = now()
        WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND deleted_at IS NULL
        RETURNING tenant_id AS "tenantId", id, thumbnail_size AS "thumbnailSize"`,
      [tenantId, messageIds],
    );
  }

  async markDeletedByUploader(tenantId: TenantId, uploaderId: string): Promise<DoomedAttachment[]> {
    return this.db.query<DoomedAttachment>(
      `UPDATE attachments SET deleted_at = now()
        WHERE tenant_id = $1 AND uploader_id = $2 AND deleted_at IS NULL
        RETURNING tenant_id AS "tenantId", id, thumbnail_size AS "thumbnailSize"`,
      [tenantId, uploaderId],
    );
  }

  /** Forgets rows whose stored objects are gone. */
  async purge(tenantId: TenantId, ids: string[]): Promise<void> {
    await this.db.query(
      `DELETE FROM attachments WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NOT NULL`,
      [tenantId, ids],
    );
  }

  /**
   * The sweeper's work, across every tenant (it is the operator's housekeeping, not a tenant's
   * request): uploads never attached that were made before `cutoff` are marked deleted, then up to
   * `limit` deleted rows are answered, oldest first, each with its own tenant id.
   */
  async collectGarbageAcrossTenants(cutoff: Date, limit: number): Promise<DoomedAttachment[]> {
    await this.db.query(
      `UPDATE attachments SET deleted_at = now()
        WHERE (tenant_id, id) IN (
          SELECT tenant_id, id FROM attachments
           WHERE attached_at IS NULL AND deleted_at IS NULL AND created_at < $1
           ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return this.db.query<DoomedAttachment>(
      `SELECT tenant_id AS "tenantId", id, thumbnail_size AS "thumbnailSize" FROM attachments
        WHERE deleted_at IS NOT NULL ORDER BY deleted_at LIMIT $1`,
      [limit],
    );
  }
}
