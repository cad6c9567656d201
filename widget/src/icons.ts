import { svg, type TemplateResult } from 'lit';

/** Stroke icons (24×24, `currentColor`), hidden from assistive technology: buttons carry the names. */
const icon = (path: string): TemplateResult =>
  svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d=${path}></path></svg>`;

export const icons = {
  send: icon('M4 20l17-8L4 4l2 8zm2-8h7'),
  attach: icon('M20 11l-8.5 8.5a5 5 0 01-7-7L13 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L14 7'),
  back: icon('M19 12H5m6-6l-6 6 6 6'),
  chat: icon('M4 5h16v11H9l-5 4z'),
  close: icon('M6 6l12 12M18 6L6 18'),
  reply: icon('M10 8l-5 5 5 5M5 13h9a6 6 0 016 6'),
  edit: icon('M4 20h4L19 9l-4-4L4 16z'),
  remove: icon('M5 7h14m-9 0V4h4v3m-7 0l1 13h8l1-13'),
};
