import { Controller, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { parseInput } from '@parley/errors';
import { ApiRoute } from '@parley/http';
import { AttachmentSchema, UploadFieldsSchema, type Attachment } from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { AttachmentsService } from './attachments.service.js';
import { receiveUpload } from './multipart-upload.js';

@Controller('v1/uploads')
export class UploadsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @ApiRoute(
    'Upload a file to send in a message',
    { 201: AttachmentSchema },
    {
      description:
        "`multipart/form-data` with the field `chatId` and the file in the field `file` (send `chatId` first: a refusal then comes before the file is received). Send the answer's `id` in a message's `attachments`.",
      errors: ['not_found', 'payload_too_large', 'unsupported_media_type'],
      upload: { fields: UploadFieldsSchema, file: 'file' },
    },
  )
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
