import pg from 'pg';

/** Every table whose rows belong to a tenant (`tenant_id`); `tenants` itself is matched by `id`. */
const TENANT_TABLES = [
  'api_keys',
  'users',
  'chats',
  'chat_members',
  'messages',
  'reactions',
  'attachments',
  'devices',
  'fcm_credentials',
  'webhooks',
  'webhook_deliveries',
] as const;

export type TenantFingerprint = Record<string, { rows: number; hash: string }>;

/**
 * Reads a tenant's stored rows straight from Postgres, as a count and a hash of their full text per
 * table: two equal fingerprints mean that nothing of the tenant was written in between.
 */
export class TenantState {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<TenantState> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new TenantState(client);
  }

  async fingerprint(tenantId: string): Promise<TenantFingerprint> {
    const select = (table: string, column: string): string =>
      `SELECT '${table}' AS name, count(*)::int AS rows,
              md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS hash
         FROM ${table} x WHERE ${column} = $1`;
    const sql = [select('tenants', 'id'), ...TENANT_TABLES.map((table) => select(table, 'tenant_id'))].join(
      ' UNION ALL ',
    );
    const { rows } = await this.client.query<{ name: string; rows: number; hash: string }>(sql, [tenantId]);
    return Object.fromEntries(rows.map((row) => [row.name, { rows: row.rows, hash: row.hash }]));
  }

  /** How many tenants there are: creating one is a write no tenant's fingerprint shows. */
  async tenantCount(): Promise<number> {
    const { rows } = await this.client.query<{ count: number }>('SELECT count(*)::int AS count FROM tenants');
    return rows[0]!.count;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
