/** What the demo page shows: two people side by side, and a visitor with the launcher. */
export interface DemoPageContent {
  publishableKey: string;
  /** Alice and Bob, inline, each on their direct chat. */
  pair: { name: string; token: string }[];
  chatId: string;
  /** The launcher example's user and token. */
  visitor: { name: string; token: string };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The page's own script: it runs nothing else, so the policy allows only this origin's scripts. */
export const DEMO_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; media-src * data: blob:; " +
  "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function renderDemoPage({ publishableKey, pair, chatId, visitor }: DemoPageContent): string {
  const key = escape(publishableKey);
  const columns = pair
    .map(
      ({ name, token }) => `
    <section>
      <h2>${escape(name)}</h2>
      <parley-chat api-key="${key}" user-token="${escape(token)}" chat-id="${escape(chatId)}"></parley-chat>
    </section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo</title>
<script type="module" src="/widget.js"></script>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1f2328; background: #f6f8fa; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 1.5rem; margin: 0 0 4px; }
  h2 { font-size: 1.1rem; margin: 0 0 8px; }
  .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 24px; margin: 24px 0; }
  /* The inline widgets' boxes; the launcher places itself. */
  parley-chat:not([mode="launcher"]) { height: 520px; }
  code { background: #eaeef2; padding: 1px 4px; border-radius: 4px; }
</style>
</head>
<body>
<main>
  <h1>Parley demo</h1>
  <p>Two users of the demo tenant, side by side: type as one and watch the other. Their tokens were
  minted by the server for this page load and expire in an hour; reload for fresh ones.</p>
  <div class="pair">${columns}
  </div>
  <h2>Launcher mode</h2>
  <p>${escape(visitor.name)}'s support chat sits behind the bubble in the corner
  (<code>&lt;parley-chat mode="launcher"&gt;</code>).</p>
  <p>Embed it yourself: <code>&lt;script type="module" src="/widget.js"&gt;&lt;/script&gt;</code> and
  <code>&lt;parley-chat api-key="${key}" user-token="…"&gt;&lt;/parley-chat&gt;</code>;
  the API console is at <a href="/docs">/docs</a>.</p>
</main>
<parley-chat mode="launcher" api-key="${key}" user-token="${escape(visitor.token)}"></parley-chat>
</body>
</html>
`;
}
