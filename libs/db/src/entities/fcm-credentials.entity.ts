import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

/** A tenant's Firebase service account, for sending FCM pushes in its name. */
@Entity('fcm_credentials')
export class FcmCredentialsEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'project_id' }) projectId!: string;
  @Column('text', { name: 'client_email' }) clientEmail!: string;
  /** The service account JSON, sealed with the master key (SecretBox). */
  @Column('text', { name: 'service_account_sealed' }) serviceAccountSealed!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: TenantEntity;
}
