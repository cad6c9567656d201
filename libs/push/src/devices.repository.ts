import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';
import type { DeviceKind } from '@parley/protocol';

export interface DeviceRow {
  id: string;
  userId: string;
  kind: DeviceKind;
  token: string;
  webpushKeys: { p256dh: string; auth: string } | null;
  createdAt: Date;
}

const COLUMNS = `id, user_id AS "userId", kind, token, webpush_keys AS "webpushKeys", created_at AS "createdAt"`;

@Injectable()
export class DevicesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Registers a token for a user. The same token registered again (the app restarted, or another
   * user signed in on that browser) is the same device: it now belongs to this user, with these keys.
   */
  async register(
    tenantId: TenantId,
    device: Omit<DeviceRow, 'createdAt'>,
  ): Promise<{ row: DeviceRow; created: boolean }> {
    const [row] = await this.db.query<DeviceRow & { created: boolean }>(
      `INSERT INTO devices (tenant_id, id, user_id, kind, token, webpush_keys)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, kind, token) DO UPDATE
         SET user_id = EXCLUDED.user_id, webpush_keys = EXCLUDED.webpush_keys, updated_at = now()
         WHERE devices.tenant_id = $1
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [tenantId, device.id, device.userId, device.kind, device.token, device.webpushKeys],
    );
    const { created, ...rest } = row!;
    return { row: rest, created };
  }

  listOfUser(tenantId: TenantId, userId: string): Promise<DeviceRow[]> {
    return this.db.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM devices WHERE tenant_id = $1 AND user_id = $2 ORDER BY id`,
      [tenantId, userId],
    );
  }

  async get(tenantId: TenantId, id: string): Promise<DeviceRow | null> {
    const [row] = await this.db.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM devices WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async deleteOfUser(tenantId: TenantId, userId: string, id: string): Promise<boolean> {
    const rows = await this.db.query(
      `DELETE FROM devices WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING id`,
      [tenantId, userId, id],
    );
    return rows.length > 0;
  }

  /** A push service said this token or subscription is gone. */
  async delete(tenantId: TenantId, id: string): Promise<void> {
    await this.db.query(`DELETE FROM devices WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  /** The devices of these users (one fan-out chunk), by the (tenant, user) index. */
  devicesOfUsers(tenantId: TenantId, userIds: string[]): Promise<{ id: string; userId: string }[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT id, user_id AS "userId" FROM devices WHERE tenant_id = $1 AND user_id = ANY($2::text[])`,
      [tenantId, userIds],
    );
  }

  async tenantHasDevices(tenantId: TenantId): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM devices WHERE tenant_id = $1 LIMIT 1`, [tenantId]);
    return rows.length > 0;
  }
}
