import { Controller, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { parseInput } from '@parley/errors';
import { UploadFieldsSchema, type Attachment } from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { AttachmentsService } from './attachments.service.js';
import { receiveUpload } from './multipart-upload.js';

@Controller('v1/uploads')
export class UploadsController {
  constructor(private readonly attachments: AttachmentsService) {}

  /**
   * `multipart/form-data` with the field `chatId` and the file in the field `file` (send `chatId`
   * first: a refusal then comes before the file is received). 201 with the Attachment.
   */
  @Post()
  async upload(@CurrentActor() actor: Actor, @Req() request: Request): Promise<Attachment> {
    const form = await receiveUpload(request, {
      maxFileBytes: actor.settings.limits.uploadBytes,
      spoolDir: this.attachments.spoolDir,
      beforeFile: (fields) => this.attachments.checkUploadTarget(actor, fields),
    });
    try {
      const { chatId } = parseInput(UploadFieldsSchema, form.fields, 'body');
      return await this.attachments.upload(actor, chatId, form.file);
    } finally {
      await form.file.discard();
    }
  }
}
