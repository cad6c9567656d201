import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'publishable_key', unique: true }) publishableKey!: string;
  /** Parsed through `TenantSettingsSchema` on read, so new settings get their defaults. */
  @Column('jsonb', { default: () => "'{}'" }) settings!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
