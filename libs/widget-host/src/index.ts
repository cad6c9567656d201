export * from './widget-host.module.js';
export * from './demo-page.service.js';
export * from './widget-bundle.js';
export * from './demo-page.middleware.js';
export { WIDGET_BUNDLE_FILE } from './widget.service.js';
