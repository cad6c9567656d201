import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

@Injectable()
export class PresenceRepository {
  constructor(private readonly db: Database) {}

  async markSeen(tenantId: TenantId, userId: string): Promise<Date | null> {
    const [row] = await this.db.query<{ lastSeenAt: Date }>(
      `UPDATE users SET last_seen_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING last_seen_at AS "lastSeenAt"`,
      [tenantId, userId],
    );
    return row?.lastSeenAt ?? null;
  }

  async lastSeen(tenantId: TenantId, userIds: string[]): Promise<Map<string, Date | null>> {
    const rows = await this.db.query<{ id: string; lastSeenAt: Date | null }>(
      `SELECT id, last_seen_at AS "lastSeenAt" FROM users WHERE tenant_id = $1 AND id = ANY($2::text[]) AND deleted_at IS NULL`,
      [tenantId, userIds],
    );
    return new Map(rows.map((r) => [r.id, r.lastSeenAt]));
  }
}
