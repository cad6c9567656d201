/** `@parley/widget`: importing this module defines `<parley-chat>` (and the elements inside it). */
export { ParleyChatElement } from './parley-chat.js';
export type { ParleyEventMap } from './base-element.js';
