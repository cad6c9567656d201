import { css } from 'lit';

/**
 * The theme: public `--parley-*` custom properties (set them on `parley-chat` or any ancestor)
 * resolved into private `--p-*` ones for the light and dark schemes. Defaults meet WCAG AA.
 */
export const theme = css`
  .base {
    --p-accent: var(--parley-accent, #0b57d0);
    --p-on-accent: var(--parley-accent-fg, #fff);
    --p-bg: var(--parley-bg, #fff);
    --p-fg: var(--parley-fg, #1b1c1f);
    --p-muted: var(--parley-muted, #595c63);
    --p-surface: var(--parley-surface, #eef0f3);
    --p-border: var(--parley-border, #8e939b);
    --p-danger: var(--parley-danger, #b3261e);
    --p-online: var(--parley-online, #1e8e3e);
    --p-radius: var(--parley-radius, 12px);
    color-scheme: light;
    font: var(--parley-font-size, 15px) / 1.4 var(--parley-font, system-ui, sans-serif);
    color: var(--p-fg);
    background: var(--p-bg);
  }
  .base[data-scheme='dark'] {
    --p-accent: var(--parley-accent, #a8c7fa);
    --p-on-accent: var(--parley-accent-fg, #062e6f);
    --p-bg: var(--parley-bg, #16181c);
    --p-fg: var(--parley-fg, #e6e8eb);
    --p-muted: var(--parley-muted, #aab0b8);
    --p-surface: var(--parley-surface, #272b32);
    --p-border: var(--parley-border, #6b717a);
    --p-danger: var(--parley-danger, #f2b8b5);
    --p-online: var(--parley-online, #6dd58c);
    color-scheme: dark;
  }
`;

/** What every element of the widget shares: focus rings, hidden text, plain buttons, motion. */
export const shared = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--p-accent);
    outline-offset: 2px;
  }
  [hidden] {
    display: none !important;
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    padding: 0;
    cursor: pointer;
  }
  .icon {
    display: inline-grid;
    place-items: center;
    min-width: 36px;
    height: 36px;
    border-radius: 50%;
    font-size: 18px;
  }
  .icon:hover {
    background: var(--p-surface);
  }
  .muted {
    color: var(--p-muted);
  }
  .center {
    margin: auto;
    padding: 24px;
    text-align: center;
  }
  .dot {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    border: 2px solid var(--p-muted);
  }
  .dot[data-online='true'] {
    background: var(--p-online);
    border-color: var(--p-online);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
