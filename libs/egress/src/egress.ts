import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export type RefusalReason = 'scheme' | 'credentials' | 'private_address';

/** The URL may not be called at all: retrying cannot help. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The call could not be made or did not finish (DNS, connection, timeout): a retry may succeed. */
export class EgressNetworkError extends Error {
  override readonly name = 'EgressNetworkError';
}

export interface CheckedTarget {
  url: URL;
  /** The address the request will connect to: the one that was checked. */
  address: ResolvedAddress;
}

export interface EgressResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first 4 KiB of the body, for logs and delivery records. */
  body: string;
}

export interface EgressOptions {
  /** `PARLEY_ALLOW_PRIVATE_URLS=on`: loopback and private networks are allowed (development, tests). */
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Per-call deadline, connection to last byte. */
  timeoutMs?: number;
}

const BODY_KEPT = 4_096;
const BODY_READ_MAX = 65_536;

/**
 * Outbound HTTP to URLs that tenants and their users choose (webhooks, Web Push endpoints). Only
 * public http(s) addresses are reached unless the operator allows private ones: a URL is resolved,
 * every address it resolves to is checked, and the connection goes to the checked address itself,
 * so a DNS answer that changes between check and connect (rebinding) cannot redirect it. Redirects
 * are not followed.
 */
export class Egress {
  private readonly resolve: Resolver;
  private readonly timeoutMs: number;
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 128 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 128 }),
  };

  constructor(private readonly options: EgressOptions) {
    this.resolve = options.resolve ?? systemResolver;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Resolves and checks a URL without contacting it; throws `EgressRefusedError` if it may not be called. */
  async check(raw: string | URL): Promise<CheckedTarget> {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EgressRefusedError('scheme', 'only http and https URLs can be called');
    if (url.username || url.password)
      throw new EgressRefusedError('credentials', 'URLs may not carry credentials');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host.includes('%'))
      throw new EgressRefusedError('private_address', 'scoped addresses are not allowed');
    let addresses: ResolvedAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        throw new EgressNetworkError(`cannot resolve ${host}: ${(error as Error).message}`, { cause: error });
      }
      if (addresses.length === 0) throw new EgressNetworkError(`${host} has no address`);
    }
    if (!this.options.allowPrivate) {
      const blocked = addresses.find((a) => !isPublicAddress(a.address));
      if (blocked)
        throw new EgressRefusedError(
          'private_address',
          `${host} resolves to ${blocked.address}, which is not a public address (PARLEY_ALLOW_PRIVATE_URLS is off)`,
        );
    }
    return { url, address: addresses[0]! };
  }

  /** POSTs `body` to the URL after checking it; any HTTP status is an answer, not an error. */
  async post(raw: string, headers: Record<string, string>, body: Buffer | string): Promise<EgressResponse> {
    const { url, address } = await this.check(raw);
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [address]);
      else callback(null, address.address, address.family);
    };
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<EgressResponse>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'POST',
          agent: this.agents[url.protocol as 'http:' | 'https:'],
          lookup: pinned,
          headers: { ...headers, 'Content-Length': String(payload.length) },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read <= BODY_KEPT) chunks.push(chunk);
            // A receiver that streams on is cut off rather than read forever.
            if (read > BODY_READ_MAX) response.destroy();
          });
          const finish = () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_KEPT),
            });
          response.on('end', finish);
          response.on('close', finish);
          response.on('error', () => finish());
        },
      );
      request.on('error', (error) =>
        reject(new EgressNetworkError(`${url.origin}: ${error.message}`, { cause: error })),
      );
      request.end(payload);
    });
  }

  /** Closes kept-alive connections (at shutdown). */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
