import { DomainError } from '@parley/errors';
import { WIDGET_BUILD_PATH } from './widget-bundle.js';

export class WidgetNotBuiltError extends DomainError {
  constructor() {
    super(
      'unavailable',
      `The widget is not built (${WIDGET_BUILD_PATH} is missing): run \`npm run build\` (or \`npx vite build -c widget/vite.config.ts\`); it is served as soon as the file exists`,
    );
  }
}
