import { describe, expect, it, vi } from 'vitest';
import type { Chat, User } from '@parley/sdk';
import { chatTitle, NameDirectory, peerOf } from './names.js';

const chat = (overrides: Partial<Chat>): Chat => ({
  id: 'c1',
  kind: 'direct',
  title: null,
  memberCount: 2,
  version: 1,
  lastSeq: 0,
  lastMessage: null,
  unread: 0,
  directMembers: ['ann', 'bob'],
  membership: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastMessageAt: null,
  ...overrides,
});

const user = (id: string, name: string | null): User => ({
  id,
  name,
  avatarUrl: null,
  metadata: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('chat titles', () => {
  it('names a direct chat after the other person, and a group by its title or a fallback', () => {
    expect(peerOf(chat({}), 'ann')).toBe('bob');
    expect(chatTitle(chat({}), 'ann', { bob: 'Bob B.' }, 'Group')).toBe('Bob B.');
    expect(chatTitle(chat({}), 'ann', {}, 'Group')).toBe('bob');
    const group = chat({ kind: 'group', directMembers: null });
    expect(peerOf(group, 'ann')).toBeNull();
    expect(chatTitle(group, 'ann', {}, 'Group')).toBe('Group');
    expect(chatTitle({ ...group, title: 'Team' }, 'ann', {}, 'Group')).toBe('Team');
  });
});

describe('NameDirectory', () => {
  it('fetches the ids wanted in one task together, once, and tells subscribers', async () => {
    const fetchUsers = vi.fn(async (ids: string[]) => ids.map((id) => user(id, id.toUpperCase())));
    const names = new NameDirectory(fetchUsers);
    const seen: Record<string, string>[] = [];
    names.subscribe((state) => seen.push(state));
    names.want(['ann', 'bob', null]);
    names.want(['bob', 'cy', undefined]);
    await vi.waitFor(() => expect(names.get()).toEqual({ ann: 'ANN', bob: 'BOB', cy: 'CY' }));
    expect(fetchUsers).toHaveBeenCalledTimes(1);
    expect(fetchUsers).toHaveBeenCalledWith(['ann', 'bob', 'cy']);
    expect(seen).toHaveLength(1);
    names.want(['ann']);
    await Promise.resolve();
    expect(fetchUsers).toHaveBeenCalledTimes(1);
  });

  it('keeps ids for users without a name or when the lookup fails', async () => {
    const names = new NameDirectory(async () => {
      throw new Error('offline');
    });
    names.want(['ann']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(names.get()).toEqual({});
  });
});
