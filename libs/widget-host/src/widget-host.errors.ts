import { DomainError } from '@parley/errors';

export class WidgetNotBuiltError extends DomainError {
  constructor(path: string) {
    super(
      'unavailable',
      `The widget is not built (${path} is missing): run \`npm run build\` (or \`npx vite build -c widget/vite.config.ts\`) and reload`,
    );
  }
}
