import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

/** A tenant's secret key. The key itself is kept only encrypted; lookups go through its SHA-256. */
@Entity('api_keys')
@Index('api_keys_tenant_idx', ['tenantId'])
export class ApiKeyEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'lookup_hash', unique: true }) lookupHash!: string;
  @Column('text', { name: 'secret_ciphertext' }) secretCiphertext!: string;
  @Column('text') last4!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;
}
