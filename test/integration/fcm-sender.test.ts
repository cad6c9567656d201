import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirebaseFcmSender, PushRejectedError, type FcmAccount } from '@parley/push';
import type { PushPayload } from '@parley/protocol';
import { FakeFcm } from '../support/fake-fcm.js';

// firebase-admin cannot reach Google from here: its requests go to a local endpoint through the
// SDK's own `httpAgent` option (the send) and the global HTTPS agent (the OAuth token exchange, which
// ignores `httpAgent`), so what is checked is the SDK's real token exchange and send request.
describe('FirebaseFcmSender against a local FCM endpoint', () => {
  let fcm: FakeFcm;
  let sender: FirebaseFcmSender;
  let account: FcmAccount;
  let restoreAgent: () => void;
  const payload: PushPayload = {
    title: 'Alice',
    body: 'Lunch?',
    data: { tenantId: 't1', chatId: 'c1', messageId: 'm1', seq: '7' },
  };

  beforeAll(async () => {
    fcm = await new FakeFcm().start();
    restoreAgent = fcm.routeGlobalAgent();
    sender = new FirebaseFcmSender(fcm.agent());
    account = { tenantId: 't1', version: 'v1', serviceAccount: fcm.serviceAccount };
  });
  afterAll(async () => {
    await sender?.close();
    restoreAgent?.();
    await fcm?.stop();
  });

  it('signs in with the service account and sends an FCM v1 message with notification and data', async () => {
    await expect(sender.send(account, 'device-token-1', payload)).resolves.toBe('sent');
    expect(fcm.hosts).toEqual(new Set(['oauth2.googleapis.com', 'fcm.googleapis.com']));
    expect(fcm.tokenRequests()).toHaveLength(1);
    expect(fcm.sends()).toEqual([
      {
        authorization: `Bearer ${fcm.accessToken}`,
        message: {
          token: 'device-token-1',
          notification: { title: 'Alice', body: 'Lunch?' },
          data: { tenantId: 't1', chatId: 'c1', messageId: 'm1', seq: '7' },
          android: { priority: 'high' },
          apns: { headers: { 'apns-priority': '10' } },
        },
      },
    ]);
  });

  it('sends data only when the tenant shows no text, and reuses its access token', async () => {
    await sender.send(account, 'device-token-2', { ...payload, title: null, body: null });
    const message = fcm.sends().at(-1)!.message;
    expect(message).not.toHaveProperty('notification');
    expect(message.apns).toEqual({ headers: { 'apns-priority': '5' } });
    expect(fcm.tokenRequests()).toHaveLength(1);
  });

  it('reports an unregistered token as gone', async () => {
    fcm.deadTokens.add('dead-token');
    await expect(sender.send(account, 'dead-token', payload)).resolves.toBe('gone');
  });

  it('refuses (without retry) when the credentials are not accepted', async () => {
    const wrong = {
      tenantId: 't2',
      version: 'v1',
      serviceAccount: {
        ...fcm.serviceAccount,
        client_email: 'someone-else@parley-test.iam.gserviceaccount.com',
      },
    };
    const error = await sender.send(wrong, 'device-token-3', payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushRejectedError);
    expect(String(error)).toMatch(/app\/invalid-credential/);
  });
});
