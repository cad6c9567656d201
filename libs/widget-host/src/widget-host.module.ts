import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ChatsModule } from '@parley/chats';
import { TenancyModule } from '@parley/tenancy';
import { UsersModule } from '@parley/users';
import { DemoPageService } from './demo-page.service.js';
import { WidgetController } from './widget.controller.js';
import { repositoryRoot, WIDGET_BUILD_PATH, WidgetBundleFile } from './widget-bundle.js';
import { WIDGET_BUNDLE_FILE, WidgetService } from './widget.service.js';

/**
 * Serves the browser side: the widget script at `/widget.js`, and the embedded default's demo page
 * at `/` (mounted by `serveDemoPage`, shown once `DemoPageService.enable` is called).
 */
@Module({
  imports: [TenancyModule, UsersModule, ChatsModule],
  controllers: [WidgetController],
  providers: [
    {
      provide: WIDGET_BUNDLE_FILE,
      useFactory: () => new WidgetBundleFile(join(repositoryRoot(), WIDGET_BUILD_PATH)),
    },
    WidgetService,
    DemoPageService,
  ],
  exports: [DemoPageService],
})
export class WidgetHostModule {}
