import { createHmac, timingSafeEqual } from 'node:crypto';
import { trustTenantId, type TenantId } from '@parley/db';
import type { FileDownloadQuery } from '@parley/protocol';
import { DownloadLinkExpiredError, DownloadLinkInvalidError } from './attachments.errors.js';

export type FileVariant = 'original' | 'thumbnail';

/** How long a download URL works; a client needing it longer fetches the message again. */
export const DOWNLOAD_URL_TTL_SECONDS = 3600;
/**
 * Expiry is rounded up to this step, so that the same file seen again within it gets the same URL
 * and browsers answer it from their cache.
 */
const EXPIRY_STEP_SECONDS = 300;

/**
 * Signed, expiring download URLs: `<base>/v1/files/<id>[/thumbnail]?tenant=&exp=&sig=`, `sig` being
 * HMAC-SHA256 (base64url) over the tenant, the file, the variant and the expiry with a key derived
 * from the master key. Whoever holds the URL may download until it expires; nothing else is needed,
 * so `<img src>` works.
 */
export class FileUrls {
  constructor(
    private readonly key: Buffer,
    private readonly baseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  url(tenantId: TenantId, attachmentId: string, variant: FileVariant): string {
    const seconds = Math.floor(this.now() / 1000) + DOWNLOAD_URL_TTL_SECONDS;
    const exp = Math.ceil(seconds / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
    return this.urlExpiringAt(tenantId, attachmentId, variant, exp);
  }

  /** A URL with this expiry (Unix seconds), e.g. an already expired one in tests. */
  urlExpiringAt(tenantId: TenantId, attachmentId: string, variant: FileVariant, exp: number): string {
    const path = `/v1/files/${attachmentId}${variant === 'thumbnail' ? '/thumbnail' : ''}`;
    const query = new URLSearchParams({
      tenant: tenantId,
      exp: String(exp),
      sig: this.sign(tenantId, attachmentId, variant, exp),
    });
    return `${this.baseUrl}${path}?${query}`;
  }

  /** The tenant a signed URL was issued for: trusted once the signature and expiry check out. */
  verify(query: FileDownloadQuery, attachmentId: string, variant: FileVariant): TenantId {
    const { tenant, exp, sig } = query;
    if (tenant === undefined || exp === undefined || sig === undefined) throw new DownloadLinkInvalidError();
    const expected = Buffer.from(this.sign(tenant, attachmentId, variant, exp));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new DownloadLinkInvalidError();
    if (exp * 1000 <= this.now()) throw new DownloadLinkExpiredError();
    return trustTenantId(tenant);
  }

  private sign(tenantId: string, attachmentId: string, variant: FileVariant, exp: number): string {
    return createHmac('sha256', this.key)
      .update(`parley-file-v1\n${tenantId}\n${attachmentId}\n${variant}\n${exp}`)
      .digest('base64url');
  }
}
