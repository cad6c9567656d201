import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { join } from 'node:path';
import { repositoryRoot, WIDGET_BUILD_PATH, WidgetBundleFile, type Bundle } from './widget-bundle.js';
import { WidgetNotBuiltError } from './widget-host.errors.js';

/** The built widget script that `GET /widget.js` serves. */
@Injectable()
export class WidgetService implements OnApplicationBootstrap {
  private readonly file = new WidgetBundleFile(join(repositoryRoot(), WIDGET_BUILD_PATH));

  /** Reads, hashes and gzips the script at boot (off the event loop), so no request waits for it. */
  onApplicationBootstrap(): void {
    void this.file.current().catch(() => undefined);
  }

  async bundle(): Promise<Bundle> {
    const bundle = await this.file.current();
    if (!bundle) throw new WidgetNotBuiltError(WIDGET_BUILD_PATH);
    return bundle;
  }
}
