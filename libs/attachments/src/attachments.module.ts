import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { CONFIG, type Config } from '@parley/config';
import { deriveKey, MASTER_KEY, TenancyModule } from '@parley/tenancy';
import { AttachmentSweeper } from './attachment-sweeper.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';
import { FileStorage } from './file-storage.js';
import { FileUrls } from './file-urls.js';
import { FilesController } from './files.controller.js';
import { createFileStorage, publicBaseUrl } from './storage.provider.js';
import { UploadsController } from './uploads.controller.js';

@Module({
  imports: [ChatsModule, TenancyModule],
  controllers: [UploadsController, FilesController],
  providers: [
    AttachmentsRepository,
    AttachmentsService,
    AttachmentSweeper,
    { provide: FileStorage, inject: [CONFIG], useFactory: (config: Config) => createFileStorage(config) },
    {
      provide: FileUrls,
      inject: [MASTER_KEY, CONFIG],
      useFactory: (masterKey: Buffer, config: Config) =>
        new FileUrls(deriveKey(masterKey, 'parley/attachments/url-signing'), publicBaseUrl(config)),
    },
  ],
  // FileStorage, FileUrls and the sweeper: for tests and the benchmark, which look inside.
  exports: [AttachmentsService, AttachmentSweeper, FileStorage, FileUrls],
})
export class AttachmentsModule {}
