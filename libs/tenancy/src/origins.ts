/**
 * Whether a browser `Origin` matches one of the tenant's patterns: an exact origin, or
 * `scheme://*.domain[:port]` for any subdomain (not the bare domain).
 */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  return patterns.some((pattern) => {
    const wanted = parseOrigin(pattern.replace('://*.', '://wildcard.'));
    if (!wanted || wanted.scheme !== parsed.scheme || wanted.port !== parsed.port) return false;
    if (!pattern.includes('://*.')) return wanted.host === parsed.host;
    const suffix = wanted.host.slice('wildcard'.length);
    return parsed.host.endsWith(suffix) && parsed.host.length > suffix.length;
  });
}

function parseOrigin(value: string): { scheme: string; host: string; port: string } | null {
  try {
    const url = new URL(value);
    if (url.origin === 'null' || url.pathname.length > 1 || url.search || url.hash) return null;
    return { scheme: url.protocol, host: url.hostname.toLowerCase(), port: url.port };
  } catch {
    // Not a URL at all (e.g. the literal "null" of sandboxed documents): never allowed.
    return null;
  }
}
