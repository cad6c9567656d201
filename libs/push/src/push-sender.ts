import type { PushPayload } from '@parley/protocol';

/** What a push service said about one message: taken, or the token/subscription no longer exists. */
export type PushOutcome = 'sent' | 'gone';

export interface WebPushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface VapidDetails {
  /** `mailto:` or `https:` contact the push services may use (PARLEY_VAPID_SUBJECT). */
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface FcmAccount {
  tenantId: string;
  /** Changes when the tenant replaces its credentials, so that a cached client is rebuilt. */
  version: string;
  serviceAccount: Record<string, unknown> & { project_id: string; client_email: string; private_key: string };
}

/**
 * Our side of each push service. Implementations answer `sent` or `gone`, and throw
 * `PushUnavailableError` (retry) or `PushRejectedError` (do not) for anything else.
 */
export interface WebPushSender {
  send(target: WebPushTarget, payload: PushPayload, vapid: VapidDetails): Promise<PushOutcome>;
}
export interface FcmSender {
  send(account: FcmAccount, token: string, payload: PushPayload): Promise<PushOutcome>;
  close(): Promise<void>;
}

export const WEB_PUSH_SENDER = Symbol('parley.web-push-sender');
export const FCM_SENDER = Symbol('parley.fcm-sender');
