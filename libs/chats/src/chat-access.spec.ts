import { describe, expect, it } from 'vitest';
import { trustTenantId } from '@parley/db';
import { readSettings, type Actor } from '@parley/tenancy';
import { decideAccess, type ChatAccessRow } from './chat-access.js';

const settings = readSettings({});
const user = (userId: string): Actor => ({ tenantId: trustTenantId('t'), userId, isServer: false, settings });
const server = (userId: string | null = null): Actor => ({
  tenantId: trustTenantId('t'),
  userId,
  isServer: true,
  settings,
});
const group = (role: ChatAccessRow['role']): ChatAccessRow => ({ kind: 'group', role });

describe('decideAccess', () => {
  it('hides a chat from a user who is not in it, and a chat that does not exist', () => {
    expect(() => decideAccess(user('a'), 'c', group(null), 'read')).toThrow(/not found/);
    expect(() => decideAccess(user('a'), 'c', null, 'read')).toThrow(/not found/);
  });

  it('lets members read and post, and only owners and admins manage', () => {
    expect(decideAccess(user('a'), 'c', group('member'), 'post').canModerate).toBe(false);
    expect(() => decideAccess(user('a'), 'c', group('member'), 'admin')).toThrow(/owners and admins/);
    expect(decideAccess(user('a'), 'c', group('admin'), 'admin').canModerate).toBe(true);
  });

  it('trusts the secret key with any chat, but posting needs a member to act as', () => {
    expect(decideAccess(server(), 'c', group(null), 'admin').canModerate).toBe(true);
    expect(() => decideAccess(server(), 'c', group(null), 'post')).toThrow(/acts as a user/);
    expect(() => decideAccess(server('bob'), 'c', group(null), 'post')).toThrow(/not a member/);
    expect(decideAccess(server('bob'), 'c', group('member'), 'post').userId).toBe('bob');
  });

  it('keeps direct chats fixed, even for the secret key', () => {
    expect(() => decideAccess(server(), 'c', { kind: 'direct', role: null }, 'admin')).toThrow(/direct chat/);
  });
});
