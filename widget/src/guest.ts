import { ParleyError, type ParleyErrorCode } from '@parley/sdk';

/** What `POST /v1/guests` answers, kept in localStorage per publishable key. */
interface GuestIdentity {
  userId: string;
  token: string;
  expiresAt: string;
}

/** A stored guest token is used while it has at least this long to live. */
const MIN_LIFE_MS = 60_000;

const storageKey = (apiKey: string): string => `parley:guest:${apiKey}`;

/**
 * A token provider for guest mode: the guest identity stored for this key (a reload keeps the
 * same guest), or a new guest from `POST /v1/guests` when there is none or it expired.
 */
export function guestTokenProvider(baseUrl: string, apiKey: string, name?: string): () => Promise<string> {
  return async () => {
    const stored = read(apiKey);
    if (stored && Date.parse(stored.expiresAt) - Date.now() > MIN_LIFE_MS) return stored.token;
    const response = await fetch(`${baseUrl}/v1/guests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, accept: 'application/json' },
      body: JSON.stringify(name ? { name } : {}),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<GuestIdentity> & {
      code?: ParleyErrorCode;
      detail?: string;
    };
    if (response.status !== 201 || !body.token || !body.userId || !body.expiresAt) {
      throw new ParleyError(
        body.code ?? 'unauthenticated',
        body.detail ?? `Guest sign-in failed (HTTP ${response.status})`,
        {
          status: response.status,
        },
      );
    }
    write(apiKey, { userId: body.userId, token: body.token, expiresAt: body.expiresAt });
    return body.token;
  };
}

function read(apiKey: string): GuestIdentity | null {
  try {
    return JSON.parse(localStorage.getItem(storageKey(apiKey)) ?? 'null') as GuestIdentity | null;
  } catch {
    return null; // storage blocked (sandboxed frame, privacy mode) or garbage: a new guest
  }
}

function write(apiKey: string, identity: GuestIdentity): void {
  try {
    localStorage.setItem(storageKey(apiKey), JSON.stringify(identity));
  } catch {
    // Storage blocked: the guest lasts as long as the page.
  }
}
