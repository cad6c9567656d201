import webpush from 'web-push';
import { Egress, EgressNetworkError, EgressRefusedError } from '@parley/egress';
import type { PushPayload } from '@parley/protocol';
import { PushRejectedError, PushUnavailableError } from './push.errors.js';
import type { PushOutcome, VapidDetails, WebPushSender, WebPushTarget } from './push-sender.js';

/** How long a push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 24 * 60 * 60;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and `aes128gcm` payload encryption (RFC 8291). The
 * `web-push` package builds the request (encryption, VAPID JWT); Egress sends it, so that a
 * subscription endpoint pointing into a private network is refused like a webhook URL.
 */
export class EgressWebPushSender implements WebPushSender {
  constructor(private readonly egress: Egress) {}

  async send(target: WebPushTarget, payload: PushPayload, vapid: VapidDetails): Promise<PushOutcome> {
    const request = webpush.generateRequestDetails(target, JSON.stringify(payload), {
      vapidDetails: vapid,
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
}
