import { Injectable } from '@nestjs/common';
import { ChatsService } from '@parley/chats';
import type { TenantId } from '@parley/db';
import { MessagesService } from '@parley/messages';
import type { List, UpsertUserBody, User, UserToken } from '@parley/protocol';
import { UserTokensService, type Actor } from '@parley/tenancy';
import { UserErasedError, UserNotFoundError } from './users.errors.js';
import { UsersRepository, type UserRow } from './users.repository.js';

const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  avatarUrl: row.avatarUrl,
  metadata: row.metadata,
  createdAt: row.createdAt.toISOString(),
});

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly tokens: UserTokensService,
  ) {}

  /** PUT semantics: the profile becomes exactly the body; omitted fields are cleared. */
  async upsert(
    actor: Actor,
    userId: string,
    body: UpsertUserBody,
  ): Promise<{ user: User; created: boolean }> {
    const { row, created } = await this.users.upsert(actor.tenantId, {
      id: userId,
      name: body.name ?? null,
      avatarUrl: body.avatarUrl ?? null,
      metadata: body.metadata ?? {},
    });
    return { user: toUser(row), created };
  }

  async get(actor: Actor, userId: string): Promise<User> {
    const [row] = await this.users.find(actor.tenantId, [userId]);
    if (!row || row.deletedAt) throw new UserNotFoundError(userId);
    return toUser(row);
  }

  /** Profiles of the named users that exist; unknown ids are left out. */
  async getMany(actor: Actor, userIds: string[]): Promise<List<User>> {
    const rows = await this.users.find(actor.tenantId, [...new Set(userIds)]);
    return { data: rows.filter((r) => !r.deletedAt).map(toUser), nextCursor: null };
  }

  /** Display names (null when unset) of the named users that exist, e.g. for notification titles. */
  async names(tenantId: TenantId, userIds: string[]): Promise<Map<string, string | null>> {
    const rows = await this.users.find(tenantId, [...new Set(userIds)]);
    return new Map(rows.filter((r) => !r.deletedAt).map((r) => [r.id, r.name]));
  }

  /**
   * Right to erasure: the profile is wiped, tokens revoked, every message becomes an anonymous
   * tombstone, reactions and memberships go. Repeating it finishes an interrupted erasure.
   */
  async erase(actor: Actor, userId: string): Promise<void> {
    if (!(await this.users.markErased(actor.tenantId, userId))) throw new UserNotFoundError(userId);
    await this.messages.eraseUser(actor.tenantId, userId);
    await this.chats.removeUserEverywhere(actor.tenantId, userId);
  }

  async mintToken(actor: Actor, userId: string, expiresIn: number): Promise<UserToken> {
    const [row] = await this.users.find(actor.tenantId, [userId]);
    if (row?.deletedAt) throw new UserErasedError(userId);
    return this.tokens.mint(actor.tenantId, userId, expiresIn);
  }

  /** Every token issued to the user until now stops working. */
  async revokeTokens(actor: Actor, userId: string): Promise<void> {
    if (!(await this.users.revokeTokens(actor.tenantId, userId))) throw new UserNotFoundError(userId);
  }
}
