import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

export interface TenantRow {
  id: TenantId;
  name: string;
  publishableKey: string;
  settings: unknown;
  createdAt: Date;
}

export interface SecretKeyRow {
  id: string;
  secretCiphertext: string;
  last4: string;
  createdAt: Date;
}

export interface NewSecretKey {
  id: string;
  lookupHash: string;
  secretCiphertext: string;
  last4: string;
}

const TENANT_COLUMNS = `t.id, t.name, t.publishable_key AS "publishableKey", t.settings, t.created_at AS "createdAt"`;
const KEY_COLUMNS = `id, secret_ciphertext AS "secretCiphertext", last4, created_at AS "createdAt"`;

@Injectable()
export class TenantsRepository {
  constructor(private readonly db: Database) {}

  async create(tenant: Omit<TenantRow, 'createdAt'>, key: NewSecretKey): Promise<Date> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ createdAt: Date }>(
        `INSERT INTO tenants (id, name, publishable_key, settings) VALUES ($1, $2, $3, $4) RETURNING created_at AS "createdAt"`,
        [tenant.id, tenant.name, tenant.publishableKey, tenant.settings],
      );
      await tx.query(
        `INSERT INTO api_keys (id, tenant_id, lookup_hash, secret_ciphertext, last4) VALUES ($1, $2, $3, $4, $5)`,
        [key.id, tenant.id, key.lookupHash, key.secretCiphertext, key.last4],
      );
      return row!.createdAt;
    });
  }

  // The two lookups below run before the caller is authenticated: they are how a tenant id becomes trusted.
  async findByPublishableKey(publishableKey: string): Promise<TenantRow | null> {
    const [row] = await this.db.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.publishable_key = $1`,
      [publishableKey],
    );
    return row ?? null;
  }

  async findBySecretKeyHash(lookupHash: string): Promise<TenantRow | null> {
    const [row] = await this.db.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.lookup_hash = $1 AND k.revoked_at IS NULL`,
      [lookupHash],
    );
    return row ?? null;
  }

  /** Operator view: the one query that spans tenants, and only the operator's routes call it. */
  async listAllForOperator(): Promise<TenantRow[]> {
    return this.db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants t ORDER BY t.created_at, t.id`);
  }

  async get(tenantId: TenantId): Promise<TenantRow | null> {
    const [row] = await this.db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = $1`, [
      tenantId,
    ]);
    return row ?? null;
  }

  async update(tenantId: TenantId, change: { name: string; settings: unknown }): Promise<void> {
    await this.db.query(`UPDATE tenants SET name = $2, settings = $3 WHERE id = $1`, [
      tenantId,
      change.name,
      change.settings,
    ]);
  }

  /** Newest first: the first one signs minted tokens. */
  async activeSecretKeys(tenantId: TenantId): Promise<SecretKeyRow[]> {
    return this.db.query<SecretKeyRow>(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`,
      [tenantId],
    );
  }

  /** Adds a key unless `maxActive` are already active; the tenant row lock makes concurrent rotations take turns. */
  async addSecretKey(tenantId: TenantId, key: NewSecretKey, maxActive: number): Promise<Date | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const [keys] = await tx.query<{ active: number }>(
        `SELECT count(*)::int AS active FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL`,
        [tenantId],
      );
      if (keys!.active >= maxActive) return null;
      const [row] = await tx.query<{ createdAt: Date }>(
        `INSERT INTO api_keys (id, tenant_id, lookup_hash, secret_ciphertext, last4) VALUES ($1, $2, $3, $4, $5)
         RETURNING created_at AS "createdAt"`,
        [key.id, tenantId, key.lookupHash, key.secretCiphertext, key.last4],
      );
      return row!.createdAt;
    });
  }

  /** Revokes unless it is the last active key. */
  async revokeSecretKey(tenantId: TenantId, keyId: string): Promise<'revoked' | 'not_found' | 'last_key'> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const keys = await tx.query<{ id: string }>(
        `SELECT id FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL`,
        [tenantId],
      );
      if (!keys.some((k) => k.id === keyId)) return 'not_found';
      if (keys.length === 1) return 'last_key';
      await tx.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        keyId,
      ]);
      return 'revoked';
    });
  }
}
