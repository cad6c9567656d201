import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ChatNotFoundError, ChatsService } from '@parley/chats';
import { InjectConfig, type Config } from '@parley/config';
import { uuid7, type TenantId } from '@parley/db';
import { IdSchema, type Attachment, type FileDownloadQuery } from '@parley/protocol';
import type { Actor } from '@parley/tenancy';
import {
  AttachmentAlreadySentError,
  AttachmentNotFoundError,
  AttachmentsNotSendableError,
  BadUploadFormError,
  FileTypeNotAllowedError,
} from './attachments.errors.js';
import {
  AttachmentsRepository,
  type AttachmentRow,
  type DoomedAttachment,
} from './attachments.repository.js';
import { sanitizeFileName, thumbnailName } from './file-name.js';
import { FileStorage, type ByteRange } from './file-storage.js';
import { FileUrls, type FileVariant } from './file-urls.js';
import { isProcessedImage, processImage } from './image-processor.js';
import type { SpooledFile } from './multipart-upload.js';
import { sniff } from './sniff.js';
import { spoolDirOf } from './storage.provider.js';

/**
 * What a message keeps of each attachment (in `messages.attachments`), so that history pages need no
 * join; URLs are signed afresh each time a message is shown.
 */
export interface StoredAttachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  thumbnail: boolean;
}

/** A file about to be streamed to a client. */
export interface Download {
  name: string;
  mime: string;
  size: number;
  /** Shown in the browser (images, audio, video, PDF, plain text) or only saved (everything else). */
  inline: boolean;
  /** Set for signed URLs: when the URL stops working, which is as long as a cache may keep it. */
  expiresAt: number | null;
  open(range?: ByteRange): Promise<Readable>;
}

/** Stored objects removed at once, at most. */
const PARALLEL_DELETES = 16;

/** Types a browser may show inside the page that served them: none of them runs script. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif)|audio\/.+|video\/.+|application\/pdf|text\/plain)$/;

export const objectKey = (tenantId: string, id: string, variant: FileVariant): string =>
  `${tenantId}/${id}/${variant}`;

const toStored = (row: AttachmentRow): StoredAttachment => ({
  id: row.id,
  name: row.name,
  mime: row.mime,
  size: row.size,
  ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
  thumbnail: row.thumbnailSize !== null,
});

const allows = (patterns: string[], mime: string): boolean =>
  patterns.some((pattern) =>
    pattern.endsWith('/*') ? mime.startsWith(pattern.slice(0, -1)) : pattern === mime,
  );

/** Uploads, downloads, and the files' lives alongside the messages that carry them. */
@Injectable()
export class AttachmentsService implements OnModuleDestroy {
  private readonly logger = new Logger('AttachmentsService');
  /** Where uploads are spooled while they arrive and are checked. */
  readonly spoolDir: string;

  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly chats: ChatsService,
    private readonly storage: FileStorage,
    private readonly urls: FileUrls,
    @InjectConfig() config: Config,
  ) {
    this.spoolDir = spoolDirOf(config);
  }

  /**
   * The early check, while the file is still arriving: a chat named before the file must be one the
   * caller may post in. (`upload` checks again: the chat may come after the file.)
   */
  async checkUploadTarget(actor: Actor, fields: Record<string, string>): Promise<void> {
    if (fields.chatId === undefined) return;
    if (!IdSchema.safeParse(fields.chatId).success)
      throw new BadUploadFormError('body.chatId', 'must be an id issued by Parley');
    await this.chats.authorize(actor, fields.chatId, 'post');
  }

  /**
   * Stores a spooled upload: the type comes from the bytes and must be allowed by the tenant; images
   * are measured, get a thumbnail and lose their metadata. Nothing is stored when anything fails.
   */
  async upload(actor: Actor, chatId: string, file: SpooledFile): Promise<Attachment> {
    const access = await this.chats.authorize(actor, chatId, 'post');
    if (file.size === 0) throw new BadUploadFormError('body.file', 'must not be empty');
    const mime = await sniff(file);
    if (!allows(actor.settings.uploads.allowedTypes, mime)) throw new FileTypeNotAllowedError(mime);
    const id = uuid7();
    const cleanPath = `${file.path}.clean`;
    const written: string[] = [];
    try {
      const image = isProcessedImage(mime) ? await processImage(file.path, mime, cleanPath) : null;
      const original =
        image?.cleanSize != null
          ? { path: cleanPath, size: image.cleanSize }
          : { path: file.path, size: file.size };
      const originalKey = objectKey(actor.tenantId, id, 'original');
      written.push(originalKey);
      await this.storage.put(originalKey, createReadStream(original.path), {
        size: original.size,
        contentType: mime,
      });
      if (image) {
        const thumbnailKey = objectKey(actor.tenantId, id, 'thumbnail');
        written.push(thumbnailKey);
        await this.storage.put(thumbnailKey, Readable.from([image.thumbnail]), {
          size: image.thumbnail.length,
          contentType: 'image/webp',
        });
      }
      const row = await this.attachments.insert(actor.tenantId, {
        id,
        chatId,
        uploaderId: access.userId!,
        name: sanitizeFileName(file.clientName, mime),
        mime,
        size: original.size,
        width: image?.width ?? null,
        height: image?.height ?? null,
        thumbnailSize: image ? image.thumbnail.length : null,
      });
      return this.present(actor.tenantId, [toStored(row)])[0]!;
    } catch (error) {
      await Promise.all(written.map((key) => this.storage.delete(key).catch(() => undefined)));
      throw error;
    } finally {
      await unlink(cleanPath).catch(() => undefined);
    }
  }

  /** Wire attachments with freshly signed URLs. */
  present(tenantId: TenantId, stored: StoredAttachment[]): Attachment[] {
    return stored.map(({ thumbnail, ...attachment }) => ({
      ...attachment,
      url: this.urls.url(tenantId, attachment.id, 'original'),
      ...(thumbnail ? { thumbnailUrl: this.urls.url(tenantId, attachment.id, 'thumbnail') } : {}),
    }));
  }

  /**
   * Claims uploads for a message about to be written with id `messageId`: each must be the sender's
   * upload into this chat, in no message yet. All are claimed or none. Answers what the message keeps
   * of them, in the order given.
   */
  async attach(
    tenantId: TenantId,
    chatId: string,
    senderId: string,
    ids: string[],
    messageId: string,
  ): Promise<StoredAttachment[]> {
    const outcome = await this.attachments.attach(tenantId, chatId, senderId, ids, messageId);
    if ('missing' in outcome) {
      if (outcome.missing.length > 0)
        throw new AttachmentsNotSendableError(outcome.missing.map((id) => ids.indexOf(id)));
      throw new AttachmentAlreadySentError(outcome.taken);
    }
    const byId = new Map(outcome.attached.map((row) => [row.id, toStored(row)]));
    return ids.map((id) => byId.get(id)!);
  }

  /** Gives back the uploads `attach` claimed when the message was not written after all. */
  async detach(tenantId: TenantId, messageId: string): Promise<void> {
    await this.attachments.detach(tenantId, messageId);
  }

  /** The files of deleted messages go (at once; the sweeper retries what fails). */
  async deleteForMessages(tenantId: TenantId, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.removeObjects(await this.attachments.markDeletedByMessages(tenantId, messageIds));
  }

  /** Erasure: every file the user uploaded goes, sent or not. */
  async deleteUploadsOf(tenantId: TenantId, userId: string): Promise<void> {
    await this.removeObjects(await this.attachments.markDeletedByUploader(tenantId, userId));
  }

  /**
   * A download for a caller with credentials: a sent file is for the members of its chat (others get
   * 404, as for the chat itself), a file not yet sent only for its uploader and the tenant's backend.
   */
  async openForMember(actor: Actor, id: string, variant: FileVariant): Promise<Download> {
    const row = await this.attachments.get(actor.tenantId, id);
    if (!row) throw new AttachmentNotFoundError(id);
    if (row.attachedAt) {
      await this.chats.authorize(actor, row.chatId, 'read').catch((error: unknown) => {
        throw error instanceof ChatNotFoundError ? new AttachmentNotFoundError(id) : error;
      });
    } else if (!actor.isServer && actor.userId !== row.uploaderId) {
      throw new AttachmentNotFoundError(id);
    }
    return this.download(actor.tenantId, row, variant, null);
  }

  /** A download through a signed URL: the signature and its expiry are all that is checked. */
  async openSigned(query: FileDownloadQuery, id: string, variant: FileVariant): Promise<Download> {
    const tenantId = this.urls.verify(query, id, variant);
    const row = await this.attachments.get(tenantId, id);
    if (!row) throw new AttachmentNotFoundError(id);
    return this.download(tenantId, row, variant, query.exp! * 1000);
  }

  /**
   * Removes the objects of rows marked deleted, then the rows; failures stay marked for the sweeper.
   * Answers how many went.
   */
  async removeObjects(doomed: DoomedAttachment[]): Promise<number> {
    const removed = new Map<TenantId, string[]>();
    for (let at = 0; at < doomed.length; at += PARALLEL_DELETES) {
      await Promise.all(
        doomed.slice(at, at + PARALLEL_DELETES).map(async ({ tenantId, id, thumbnailSize }) => {
          try {
            await this.storage.delete(objectKey(tenantId, id, 'original'));
            if (thumbnailSize !== null) await this.storage.delete(objectKey(tenantId, id, 'thumbnail'));
            removed.set(tenantId, [...(removed.get(tenantId) ?? []), id]);
          } catch (error) {
            this.logger.warn(
              { err: error, tenantId, attachmentId: id },
              'could not remove a file; the sweeper retries',
            );
          }
        }),
      );
    }
    let count = 0;
    for (const [tenantId, ids] of removed) {
      await this.attachments.purge(tenantId, ids);
      count += ids.length;
    }
    return count;
  }

  async onModuleDestroy(): Promise<void> {
    await this.storage.close();
  }

  private download(
    tenantId: TenantId,
    row: AttachmentRow,
    variant: FileVariant,
    expiresAt: number | null,
  ): Download {
    if (variant === 'thumbnail' && row.thumbnailSize === null) throw new AttachmentNotFoundError(row.id);
    const key = objectKey(tenantId, row.id, variant);
    const thumbnail = variant === 'thumbnail';
    return {
      name: thumbnail ? thumbnailName(row.name) : row.name,
      mime: thumbnail ? 'image/webp' : row.mime,
      size: thumbnail ? row.thumbnailSize! : row.size,
      inline: thumbnail || INLINE.test(row.mime),
      expiresAt,
      open: async (range) => {
        const body = await this.storage.get(key, range);
        if (!body) {
          this.logger.error({ tenantId, attachmentId: row.id, key }, 'a stored file is missing');
          throw new AttachmentNotFoundError(row.id);
        }
        return body;
      },
    };
  }
}
