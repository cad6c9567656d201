import { generateKeyPairSync, verify } from 'node:crypto';
import https, { Agent } from 'node:https';
import { connect, type Socket } from 'node:net';
import { Receiver, type Received, type Reply } from './receiver.js';

/**
 * Google's side of FCM, on loopback: the OAuth token endpoint a service account signs in at, and
 * the FCM v1 send endpoint. `firebase-admin` hard-codes Google's hosts; `agent()` gives it an HTTPS
 * agent whose connections all come here in plain HTTP, so the SDK's real requests can be checked.
 */
export class FakeFcm {
  readonly receiver = new Receiver();
  readonly projectId = 'parley-test';
  readonly accessToken = 'ya29.test-access-token';
  /** Hosts the SDK asked to connect to. */
  readonly hosts = new Set<string>();
  /** Tokens FCM reports unregistered (HTTP 404, errorCode UNREGISTERED). */
  readonly deadTokens = new Set<string>();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  get serviceAccount() {
    return {
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: 'key-1',
      private_key: this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: `push@${this.projectId}.iam.gserviceaccount.com`,
      client_id: '1',
      token_uri: 'https://oauth2.googleapis.com/token',
    };
  }

  async start(): Promise<this> {
    this.receiver.respond = (request) => this.answer(request);
    await this.receiver.start();
    return this;
  }

  agent(): Agent {
    const hosts = this.hosts;
    const port = (): number => this.receiver.port;
    return new (class extends Agent {
      override createConnection(options: { host?: string | null }): Socket {
        hosts.add(options.host ?? '');
        return connect(port(), '127.0.0.1');
      }
    })({ keepAlive: false });
  }

  /**
   * Routes `https.globalAgent` here too, until the returned function is called. firebase-admin's
   * service-account credential builds its OAuth client without the `httpAgent` it was given, so its
   * token exchange goes through the global agent; the send itself uses `httpAgent`.
   */
  routeGlobalAgent(): () => void {
    const original = https.globalAgent;
    https.globalAgent = this.agent();
    return () => {
      https.globalAgent = original;
    };
  }

  /** The FCM v1 send requests received, parsed. */
  sends(): { authorization: string; message: Record<string, any> }[] {
    return this.receiver.to(`/v1/projects/${this.projectId}/messages:send`).map((r) => ({
      authorization: String(r.headers.authorization),
      message: (JSON.parse(r.body.toString()) as { message: Record<string, any> }).message,
    }));
  }

  /** The token exchanges received, each a JWT assertion signed by the service account's key. */
  tokenRequests(): Received[] {
    return this.receiver.to('/token');
  }

  async stop(): Promise<void> {
    await this.receiver.stop();
  }

  private answer(request: Received): Reply {
    return { ...this.reply(request), headers: { 'content-type': 'application/json; charset=utf-8' } };
  }

  private reply(request: Received): Reply {
    if (request.url === '/token') {
      const form = new URLSearchParams(request.body.toString());
      if (
        form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
        !this.validAssertion(form)
      )
        return { status: 400, body: JSON.stringify({ error: 'invalid_grant' }) };
      return {
        status: 200,
        body: JSON.stringify({ access_token: this.accessToken, expires_in: 3600, token_type: 'Bearer' }),
      };
    }
    if (request.url === `/v1/projects/${this.projectId}/messages:send`) {
      if (request.headers.authorization !== `Bearer ${this.accessToken}`) return { status: 401, body: '{}' };
      const { message } = JSON.parse(request.body.toString()) as { message: { token: string } };
      if (this.deadTokens.has(message.token)) {
        return {
          status: 404,
          body: JSON.stringify({
            error: {
              code: 404,
              message: 'Requested entity was not found.',
              status: 'NOT_FOUND',
              details: [
                { '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' },
              ],
            },
          }),
        };
      }
      return { status: 200, body: JSON.stringify({ name: `projects/${this.projectId}/messages/1` }) };
    }
    return { status: 404, body: '{}' };
  }

  private validAssertion(form: URLSearchParams): boolean {
    const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
    if (!header || !payload || !signature) return false;
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      this.keys.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; scope: string };
    return (
      ok && claims.iss === this.serviceAccount.client_email && claims.scope.includes('firebase.messaging')
    );
  }
}
