import type { Agent } from 'node:http';
import type { App } from 'firebase-admin/app';
import type { Message } from 'firebase-admin/messaging';
import type { PushPayload } from '@parley/protocol';
import { PushRejectedError, PushUnavailableError } from './push.errors.js';
import type { FcmAccount, FcmSender, PushOutcome } from './push-sender.js';

/** FCM error codes (as firebase-admin names them) that mean the token is dead: delete the device. */
const GONE = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);
/** Codes that a later try may get past. */
const TRANSIENT = new Set([
  'messaging/internal-error',
  'messaging/server-unavailable',
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/unknown-error',
  'app/network-error',
  'app/network-timeout',
]);

/** The FCM v1 message for a notification: `data` always (strings), `notification` when there is text. */
export function fcmMessage(token: string, payload: PushPayload): Message {
  const notification =
    payload.title !== null || payload.body !== null
      ? {
          ...(payload.title !== null && { title: payload.title }),
          ...(payload.body !== null && { body: payload.body }),
        }
      : undefined;
  return {
    token,
    data: { ...payload.data },
    ...(notification && { notification }),
    android: { priority: 'high' },
    apns: { headers: { 'apns-priority': notification ? '10' : '5' } },
  };
}

/**
 * FCM through `firebase-admin`, one Firebase app per tenant (its own service account), rebuilt when
 * the tenant replaces its credentials. `httpAgent` carries every request the SDK makes (the OAuth
 * token exchange and the send): production leaves it unset; tests route it to a local endpoint,
 * since the SDK hard-codes Google's hosts.
 */
export class FirebaseFcmSender implements FcmSender {
  private readonly apps = new Map<string, { version: string; app: App }>();

  constructor(private readonly httpAgent?: Agent) {}

  async send(account: FcmAccount, token: string, payload: PushPayload): Promise<PushOutcome> {
    const { getMessaging } = await import('firebase-admin/messaging');
    const app = await this.app(account);
    try {
      await getMessaging(app).send(fcmMessage(token, payload));
      return 'sent';
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (GONE.has(code)) return 'gone';
      const message = `FCM: ${code || 'error'}: ${(error as Error).message}`;
      if (TRANSIENT.has(code) || !code) throw new PushUnavailableError(message, { cause: error });
      throw new PushRejectedError(message, { cause: error });
    }
  }

  async close(): Promise<void> {
    const { deleteApp } = await import('firebase-admin/app');
    await Promise.all([...this.apps.values()].map(({ app }) => deleteApp(app).catch(() => undefined)));
    this.apps.clear();
  }

  private async app(account: FcmAccount): Promise<App> {
    const cached = this.apps.get(account.tenantId);
    if (cached?.version === account.version) return cached.app;
    // firebase-admin is large: loaded on the first FCM push, not at every start.
    const { cert, deleteApp, initializeApp } = await import('firebase-admin/app');
    if (cached) {
      this.apps.delete(account.tenantId);
      await deleteApp(cached.app).catch(() => undefined);
    }
    const app = initializeApp(
      {
        // The key file as Google gives it (snake_case, with private_key_id), and the names the SDK types.
        credential: cert(
          {
            ...account.serviceAccount,
            projectId: account.serviceAccount.project_id,
            clientEmail: account.serviceAccount.client_email,
            privateKey: account.serviceAccount.private_key,
          },
          this.httpAgent,
        ),
        projectId: account.serviceAccount.project_id,
        ...(this.httpAgent && { httpAgent: this.httpAgent }),
      },
      `parley-${account.tenantId}-${account.version}`,
    );
    this.apps.set(account.tenantId, { version: account.version, app });
    return app;
  }
}
