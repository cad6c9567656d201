import { Injectable } from '@nestjs/common';
import { ChatsService } from '@parley/chats';
import type { TenantCreated } from '@parley/protocol';
import { TenantsService, type Actor } from '@parley/tenancy';
import { UsersService } from '@parley/users';
import { renderDemoPage } from './demo-page.html.js';

/** Tokens on the page last this long; every load mints fresh ones. */
const DEMO_TOKEN_SECONDS = 3_600;
const ALICE = { id: 'alice', name: 'Alice' };
const BOB = { id: 'bob', name: 'Bob' };
const VISITOR = { id: 'carol', name: 'Carol' };

/**
 * The demo page at `/`, served only once the embedded default has created its demo tenant and
 * enabled it (`main.ts`); any other deployment has no page there.
 */
@Injectable()
export class DemoPageService {
  private demo: TenantCreated | null = null;

  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly chats: ChatsService,
  ) {}

  enable(demo: TenantCreated): void {
    this.demo = demo;
  }

  get enabled(): boolean {
    return this.demo !== null;
  }

  /**
   * The page, with Alice, Bob and Carol upserted, their direct chats opened and tokens minted, all
   * through the domain services with the demo tenant's secret key. Null when there is no demo, or
   * its secret key no longer authenticates it (rotated and revoked).
   */
  async render(): Promise<string | null> {
    if (!this.demo) return null;
    const tenant = await this.tenants.findBySecretKey(this.demo.secretKey);
    if (!tenant) return null;
    const actor: Actor = { tenantId: tenant.id, userId: null, isServer: true, settings: tenant.settings };
    for (const user of [ALICE, BOB, VISITOR]) await this.users.upsert(actor, user.id, { name: user.name });
    const { chat } = await this.chats.openDirect(actor, [ALICE.id, BOB.id]);
    // The visitor's launcher lists a conversation with each of them.
    await this.chats.openDirect(actor, [VISITOR.id, BOB.id]);
    await this.chats.openDirect(actor, [VISITOR.id, ALICE.id]);
    const token = async (userId: string): Promise<string> =>
      (await this.users.mintToken(actor, userId, DEMO_TOKEN_SECONDS)).token;
    return renderDemoPage({
      publishableKey: this.demo.publishableKey,
      chatId: chat.id,
      pair: [
        { name: ALICE.name, token: await token(ALICE.id) },
        { name: BOB.name, token: await token(BOB.id) },
      ],
      visitor: { name: VISITOR.name, token: await token(VISITOR.id) },
    });
  }
}
