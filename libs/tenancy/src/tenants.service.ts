import { Inject, Injectable } from '@nestjs/common';
import { trustTenantId, uuid7, type TenantId } from '@parley/db';
import type {
  CreateTenantBody,
  RotatedKey,
  Tenant,
  TenantCreated,
  TenantSettings,
  UpdateTenantBody,
} from '@parley/protocol';
import { newPublishableKey, newSecretKey, secretKeyLookupHash } from './api-keys.js';
import { SecretBox } from './secret-box.js';
import { mergeSettings, readSettings } from './settings.js';
import {
  LastSecretKeyError,
  SecretKeyNotFoundError,
  TenantNotFoundError,
  TooManySecretKeysError,
} from './tenancy.errors.js';
import { TenantsRepository, type NewSecretKey, type TenantRow } from './tenants.repository.js';
import { TtlCache } from './ttl-cache.js';

/** A tenant as authentication needs it: settings, and the secret keys that verify its user tokens. */
export interface AuthenticatedTenant {
  id: TenantId;
  settings: TenantSettings;
  secretKeys: string[];
}

const MAX_ACTIVE_SECRET_KEYS = 2;
/**
 * Key lookups are cached this long. A change made on this node takes effect at once; other nodes
 * see revocations and new settings within this bound.
 */
const AUTH_CACHE_TTL_MS = 5_000;

@Injectable()
export class TenantsService {
  private readonly authCache = new TtlCache<AuthenticatedTenant | null>(AUTH_CACHE_TTL_MS);

  constructor(
    private readonly tenants: TenantsRepository,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
  ) {}

  async create(body: CreateTenantBody): Promise<TenantCreated> {
    const id = trustTenantId(uuid7());
    const settings = mergeSettings(readSettings({}), body);
    const publishableKey = newPublishableKey();
    const secretKey = newSecretKey();
    await this.tenants.create({ id, name: body.name, publishableKey, settings }, this.sealKey(secretKey));
    return { id, name: body.name, publishableKey, secretKey };
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.tenants.listAllForOperator();
    return Promise.all(rows.map((row) => this.describe(row)));
  }

  async get(tenantId: TenantId): Promise<Tenant> {
    const row = await this.tenants.get(tenantId);
    if (!row) throw new TenantNotFoundError();
    return this.describe(row);
  }

  async update(tenantId: TenantId, change: UpdateTenantBody): Promise<Tenant> {
    const row = await this.tenants.get(tenantId);
    if (!row) throw new TenantNotFoundError();
    const settings = mergeSettings(readSettings(row.settings), change);
    await this.tenants.update(tenantId, { name: change.name ?? row.name, settings });
    this.forget(tenantId);
    return this.get(tenantId);
  }

  async rotateSecretKey(tenantId: TenantId): Promise<RotatedKey> {
    const secretKey = newSecretKey();
    const sealed = this.sealKey(secretKey);
    const createdAt = await this.tenants.addSecretKey(tenantId, sealed, MAX_ACTIVE_SECRET_KEYS);
    if (!createdAt) throw new TooManySecretKeysError();
    this.forget(tenantId);
    return { id: sealed.id, secretKey, createdAt: createdAt.toISOString() };
  }

  async revokeSecretKey(tenantId: TenantId, keyId: string): Promise<void> {
    const outcome = await this.tenants.revokeSecretKey(tenantId, keyId);
    if (outcome === 'not_found') throw new SecretKeyNotFoundError(keyId);
    if (outcome === 'last_key') throw new LastSecretKeyError();
    this.forget(tenantId);
  }

  /** The newest active secret key: the one that signs tokens Parley mints. */
  async signingKey(tenantId: TenantId): Promise<string> {
    const [newest] = await this.tenants.activeSecretKeys(tenantId);
    if (!newest) throw new TenantNotFoundError();
    return this.secretBox.open(newest.secretCiphertext);
  }

  findBySecretKey(secretKey: string): Promise<AuthenticatedTenant | null> {
    const hash = secretKeyLookupHash(secretKey);
    return this.cached(`sk:${hash}`, () => this.tenants.findBySecretKeyHash(hash));
  }

  findByPublishableKey(publishableKey: string): Promise<AuthenticatedTenant | null> {
    return this.cached(`pk:${publishableKey}`, () => this.tenants.findByPublishableKey(publishableKey));
  }

  private async cached(
    key: string,
    load: () => Promise<TenantRow | null>,
  ): Promise<AuthenticatedTenant | null> {
    const hit = this.authCache.get(key);
    if (hit !== undefined) return hit;
    const row = await load();
    const tenant = row
      ? {
          id: row.id,
          settings: readSettings(row.settings),
          secretKeys: (await this.tenants.activeSecretKeys(row.id)).map((k) =>
            this.secretBox.open(k.secretCiphertext),
          ),
        }
      : null;
    this.authCache.set(key, tenant);
    return tenant;
  }

  private forget(tenantId: TenantId): void {
    this.authCache.deleteWhere((tenant) => tenant?.id === tenantId);
  }

  private sealKey(secretKey: string): NewSecretKey {
    return {
      id: uuid7(),
      lookupHash: secretKeyLookupHash(secretKey),
      secretCiphertext: this.secretBox.seal(secretKey),
      last4: secretKey.slice(-4),
    };
  }

  private async describe(row: TenantRow): Promise<Tenant> {
    const keys = await this.tenants.activeSecretKeys(row.id);
    return {
      id: row.id,
      name: row.name,
      publishableKey: row.publishableKey,
      settings: readSettings(row.settings),
      secretKeys: keys.map((k) => ({ id: k.id, last4: k.last4, createdAt: k.createdAt.toISOString() })),
      createdAt: row.createdAt.toISOString(),
    };
  }
}
