/** `@parley/widget`: importing this module defines `<parley-chat>`. */
export { ParleyChatElement } from './parley-chat.js';
