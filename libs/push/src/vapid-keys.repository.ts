import { Injectable } from '@nestjs/common';
import { Database } from '@parley/db';

export interface VapidKeyRow {
  publicKey: string;
  privateKeySealed: string;
}

/**
 * The deployment's one VAPID key pair. The exception to "tenant id first": the key belongs to the
 * installation (browsers subscribe to this server's key), not to a tenant.
 */
@Injectable()
export class VapidKeysRepository {
  constructor(private readonly db: Database) {}

  /** Stores `candidate` unless a key exists already, and answers the key in force: the first start wins. */
  async ensure(candidate: VapidKeyRow): Promise<VapidKeyRow> {
    await this.db.query(
      `INSERT INTO vapid_keys (id, public_key, private_key_sealed) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
      [candidate.publicKey, candidate.privateKeySealed],
    );
    const [row] = await this.db.query<VapidKeyRow>(
      `SELECT public_key AS "publicKey", private_key_sealed AS "privateKeySealed" FROM vapid_keys WHERE id = 1`,
    );
    return row!;
  }
}
