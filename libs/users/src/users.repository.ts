import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

export interface UserRow {
  id: string;
  name: string | null;
  avatarUrl: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  deletedAt: Date | null;
}

const USER_COLUMNS = `u.id, u.name, u.avatar_url AS "avatarUrl", u.metadata, u.created_at AS "createdAt",
  u.deleted_at AS "deletedAt"`;

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  /** Creates or replaces the profile; upserting an erased user restores the account (old tokens stay revoked). */
  async upsert(
    tenantId: TenantId,
    user: { id: string; name: string | null; avatarUrl: string | null; metadata: Record<string, unknown> },
  ): Promise<{ row: UserRow; created: boolean }> {
    const [row] = await this.db.query<UserRow & { created: boolean }>(
      `INSERT INTO users AS u (tenant_id, id, name, avatar_url, metadata) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, id) DO UPDATE
         SET name = EXCLUDED.name, avatar_url = EXCLUDED.avatar_url, metadata = EXCLUDED.metadata,
             updated_at = now(), deleted_at = NULL
       RETURNING ${USER_COLUMNS}, (xmax = 0) AS created`,
      [tenantId, user.id, user.name, user.avatarUrl, user.metadata],
    );
    const { created, ...rest } = row!;
    return { row: rest, created };
  }

  async find(tenantId: TenantId, userIds: string[]): Promise<UserRow[]> {
    return this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.id = ANY($2::text[]) ORDER BY u.id`,
      [tenantId, userIds],
    );
  }

  /** Wipes the profile, marks the user erased and revokes every token issued so far. False if unknown. */
  async markErased(tenantId: TenantId, userId: string): Promise<boolean> {
    const rows = await this.db.query<unknown>(
      `UPDATE users SET name = NULL, avatar_url = NULL, metadata = '{}', deleted_at = COALESCE(deleted_at, now()),
              tokens_valid_after = now(), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING 1`,
      [tenantId, userId],
    );
    return rows.length > 0;
  }

  async revokeTokens(tenantId: TenantId, userId: string): Promise<boolean> {
    const rows = await this.db.query<unknown>(
      `UPDATE users SET tokens_valid_after = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING 1`,
      [tenantId, userId],
    );
    return rows.length > 0;
  }
}
