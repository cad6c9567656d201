import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

export interface UserAuthState {
  deletedAt: Date | null;
  tokensValidAfter: Date | null;
}

/** The users table as authentication sees it: does the acting user exist, and since when are tokens valid. */
@Injectable()
export class UserAuthRepository {
  constructor(private readonly db: Database) {}

  /**
   * The state of a token's subject, creating the user on first sight (as a chat SDK's connect does):
   * only the tenant's backend can sign such a token, so the user is the tenant's to have.
   */
  async stateOfTokenSubject(tenantId: TenantId, userId: string): Promise<UserAuthState> {
    const sql = `
      WITH created AS (
        INSERT INTO users (tenant_id, id)
        SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2)
        ON CONFLICT DO NOTHING
        RETURNING deleted_at, tokens_valid_after
      )
      SELECT deleted_at AS "deletedAt", tokens_valid_after AS "tokensValidAfter" FROM created
      UNION ALL
      SELECT deleted_at, tokens_valid_after FROM users WHERE tenant_id = $1 AND id = $2`;
    const [row] = await this.db.query<UserAuthState>(sql, [tenantId, userId]);
    if (row) return row;
    // A concurrent request created the user after this statement's snapshot: read it again.
    const [again] = await this.db.query<UserAuthState>(
      `SELECT deleted_at AS "deletedAt", tokens_valid_after AS "tokensValidAfter" FROM users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, userId],
    );
    return again!;
  }

  async isActive(tenantId: TenantId, userId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [tenantId, userId],
    );
    return rows.length > 0;
  }
}
