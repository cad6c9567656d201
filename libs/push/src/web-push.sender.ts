import webpush from 'web-push';
import { Egress, EgressNetworkError, EgressRefusedError } from '@parley/egress';
import type { PushPayload } from '@parley/protocol';
import { PushRejectedError, PushUnavailableError } from './push.errors.js';
import type { PushOutcome, VapidDetails, WebPushSender, WebPushTarget } from './push-sender.js';

/** How long a push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 24 * 60 * 60;
/** A VAPID JWT's lifetime (RFC 8292 allows up to 24 h). */
const VAPID_JWT_SECONDS = 12 * 60 * 60;
/**
 * A signed VAPID header is reused for this long per push service: signing it (ES256) was the largest
 * cost of a push, and a fan-out sends hundreds to the same few push services.
 */
const VAPID_REUSE_MS = 60 * 60 * 1_000;
const VAPID_CACHE_MAX = 1_000;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and `aes128gcm` payload encryption (RFC 8291). The
 * `web-push` package builds the request (encryption, VAPID JWT); Egress sends it, so that a
 * subscription endpoint pointing into a private network is refused like a webhook URL.
 */
export class EgressWebPushSender implements WebPushSender {
  private readonly vapidHeaders = new Map<string, { authorization: string; until: number }>();

  constructor(
    private readonly egress: Egress,
    private readonly now: () => number = Date.now,
  ) {}

  async send(target: WebPushTarget, payload: PushPayload, vapid: VapidDetails): Promise<PushOutcome> {
    const request = webpush.generateRequestDetails(target, JSON.stringify(payload), {
      // No vapidDetails: VAPID is added here, signed once per push service and hour, not per push.
      headers: { Authorization: this.vapidAuthorization(target.endpoint, vapid) },
      TTL: TTL_SECONDS,
      contentEncoding: 'aes128gcm',
      urgency: 'high',
    });
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
    let status: number;
    let body: string;
    try {
      ({ status, body } = await this.egress.post(request.endpoint, headers, request.body));
    } catch (error) {
      if (error instanceof EgressRefusedError) throw new PushRejectedError(error.message, { cause: error });
      if (error instanceof EgressNetworkError)
        throw new PushUnavailableError(error.message, { cause: error });
      throw error;
    }
    if (status >= 200 && status < 300) return 'sent';
    // The subscription expired or the user revoked it (RFC 8030 §6.2 / push services' practice).
    if (status === 404 || status === 410) return 'gone';
    const answer = `push service answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
    if (status === 429 || status >= 500) throw new PushUnavailableError(answer);
    throw new PushRejectedError(answer);
  }

  /** `vapid t=<ES256 JWT for the endpoint's origin>, k=<public key>` (RFC 8292), reused for an hour. */
  private vapidAuthorization(endpoint: string, vapid: VapidDetails): string {
    const audience = new URL(endpoint).origin;
    const key = `${audience} ${vapid.subject} ${vapid.publicKey}`;
    const now = this.now();
    const cached = this.vapidHeaders.get(key);
    if (cached && cached.until > now) return cached.authorization;
    const { Authorization: authorization } = webpush.getVapidHeaders(
      audience,
      vapid.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
      Math.floor(now / 1_000) + VAPID_JWT_SECONDS,
    );
    // Endpoints come from users: a flood of distinct origins must not grow this without bound.
    if (this.vapidHeaders.size >= VAPID_CACHE_MAX) this.vapidHeaders.clear();
    this.vapidHeaders.set(key, { authorization, until: now + VAPID_REUSE_MS });
    return authorization;
  }
}
