import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The deployment's VAPID key pair for Web Push, generated on first start. One row: every node signs
 * with the same key, since browsers bind each subscription to the public key they subscribed with.
 */
@Entity('vapid_keys')
@Check('vapid_keys_single_row', `"id" = 1`)
export class VapidKeyEntity {
  @PrimaryColumn('smallint') id!: number;
  /** Uncompressed P-256 point, base64url: what browsers subscribe with. */
  @Column('text', { name: 'public_key' }) publicKey!: string;
  /** The private scalar, base64url, sealed with the master key (SecretBox). */
  @Column('text', { name: 'private_key_sealed' }) privateKeySealed!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
