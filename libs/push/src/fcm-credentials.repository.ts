import { Injectable } from '@nestjs/common';
import { Database, type TenantId } from '@parley/db';

export interface FcmCredentialsRow {
  projectId: string;
  clientEmail: string;
  serviceAccountSealed: string;
  updatedAt: Date;
}

const COLUMNS = `project_id AS "projectId", client_email AS "clientEmail",
  service_account_sealed AS "serviceAccountSealed", updated_at AS "updatedAt"`;

@Injectable()
export class FcmCredentialsRepository {
  constructor(private readonly db: Database) {}

  async put(
    tenantId: TenantId,
    credentials: Omit<FcmCredentialsRow, 'updatedAt'>,
  ): Promise<FcmCredentialsRow> {
    const [row] = await this.db.query<FcmCredentialsRow>(
      `INSERT INTO fcm_credentials (tenant_id, project_id, client_email, service_account_sealed)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET project_id = EXCLUDED.project_id,
         client_email = EXCLUDED.client_email, service_account_sealed = EXCLUDED.service_account_sealed,
         updated_at = clock_timestamp()
         WHERE fcm_credentials.tenant_id = $1
       RETURNING ${COLUMNS}`,
      [tenantId, credentials.projectId, credentials.clientEmail, credentials.serviceAccountSealed],
    );
    return row!;
  }

  async get(tenantId: TenantId): Promise<FcmCredentialsRow | null> {
    const [row] = await this.db.query<FcmCredentialsRow>(
      `SELECT ${COLUMNS} FROM fcm_credentials WHERE tenant_id = $1`,
      [tenantId],
    );
    return row ?? null;
  }

  async delete(tenantId: TenantId): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM fcm_credentials WHERE tenant_id = $1 RETURNING tenant_id`, [
      tenantId,
    ]);
    return rows.length > 0;
  }
}
