import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { WidgetBundleFile, type Bundle } from './widget-bundle.js';
import { WidgetNotBuiltError } from './widget-host.errors.js';

/** The widget's build output on disk (`widget/dist/widget.js` under the repository root). */
export const WIDGET_BUNDLE_FILE = Symbol('WIDGET_BUNDLE_FILE');

/** The built widget script that `GET /widget.js` serves. */
@Injectable()
export class WidgetService implements OnApplicationBootstrap {
  constructor(@Inject(WIDGET_BUNDLE_FILE) private readonly file: WidgetBundleFile) {}

  /** Reads, hashes and gzips the script at boot (off the event loop), so no request waits for it. */
  onApplicationBootstrap(): void {
    void this.file.current().catch(() => undefined);
  }

  async bundle(): Promise<Bundle> {
    const bundle = await this.file.current();
    if (!bundle) throw new WidgetNotBuiltError();
    return bundle;
  }
}
