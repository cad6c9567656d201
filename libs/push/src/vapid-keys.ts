import { Injectable, type OnModuleInit } from '@nestjs/common';
import webpush from 'web-push';
import { InjectConfig, type Config } from '@parley/config';
import { SecretBox } from '@parley/tenancy';
import type { VapidDetails } from './push-sender.js';
import { VapidKeysRepository } from './vapid-keys.repository.js';

/**
 * The VAPID key pair that signs every Web Push request. Generated on the first start and kept in
 * Postgres (the private half sealed with the master key): every node must sign with the key that
 * browsers subscribed with, and a new key would orphan every existing subscription.
 */
@Injectable()
export class VapidKeys implements OnModuleInit {
  private details: VapidDetails | null = null;

  constructor(
    private readonly keys: VapidKeysRepository,
    private readonly secretBox: SecretBox,
    @InjectConfig() private readonly config: Config,
  ) {}

  async onModuleInit(): Promise<void> {
    const candidate = webpush.generateVAPIDKeys();
    const row = await this.keys.ensure({
      publicKey: candidate.publicKey,
      privateKeySealed: this.secretBox.seal(candidate.privateKey),
    });
    this.details = {
      subject: this.config.vapidSubject,
      publicKey: row.publicKey,
      privateKey: this.secretBox.open(row.privateKeySealed),
    };
  }

  get(): VapidDetails {
    if (!this.details) throw new Error('VAPID keys are not loaded yet');
    return this.details;
  }
}
