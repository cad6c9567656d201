import { describe, expect, it, vi } from 'vitest';
import type { TenantId } from '@parley/db';
import type { Message, PushPayload } from '@parley/protocol';
import { PushService } from './push.service.js';

const tenantId = 't1' as TenantId;
const payload: PushPayload = {
  title: 'Ann',
  body: 'hi',
  data: { tenantId, chatId: 'c1', messageId: 'm1', seq: '3' },
};

function service(overrides: { online?: string[]; notificationText?: 'full' | 'sender' | 'none' } = {}) {
  const devices = {
    devicesOfUsers: vi.fn((_t: TenantId, userIds: string[]) =>
      Promise.resolve(userIds.flatMap((userId) => [{ id: `${userId}-d1`, userId }])),
    ),
  };
  const presence = { online: vi.fn(() => Promise.resolve(new Set(overrides.online ?? []))) };
  const queue = { enqueueMany: vi.fn(() => Promise.resolve()) };
  const tenants = {
    get: vi.fn(() =>
      Promise.resolve({ settings: { push: { notificationText: overrides.notificationText ?? 'full' } } }),
    ),
  };
  const users = { names: vi.fn(() => Promise.resolve(new Map([['ann', 'Ann A.']]))) };
  const none = {} as never;
  const push = new PushService(
    devices as never,
    none,
    none,
    none,
    none,
    none,
    users as never,
    tenants as never,
    presence as never,
    none,
    none,
    queue as never,
  );
  return { push, devices, presence, queue };
}

describe('PushService.notifyMembers', () => {
  it('enqueues one job per device of members who are neither the sender nor connected, with deterministic ids', async () => {
    const { push, devices, presence, queue } = service({ online: ['cy'] });
    await expect(push.notifyMembers(tenantId, 'ann', ['ann', 'bo', 'cy'], payload)).resolves.toBe(1);
    expect(devices.devicesOfUsers).toHaveBeenCalledWith(tenantId, ['bo', 'cy']);
    expect(presence.online).toHaveBeenCalledWith(tenantId, ['bo', 'cy']);
    expect(queue.enqueueMany).toHaveBeenCalledWith('push', [
      { id: 'push.m1.bo-d1', payload: { tenantId, deviceId: 'bo-d1', notification: payload } },
    ]);
  });

  it('asks nothing more when no member has a device', async () => {
    const { push, devices, presence, queue } = service();
    devices.devicesOfUsers.mockResolvedValueOnce([]);
    await expect(push.notifyMembers(tenantId, 'ann', ['bo'], payload)).resolves.toBe(0);
    expect(presence.online).not.toHaveBeenCalled();
    expect(queue.enqueueMany).not.toHaveBeenCalled();
  });
});

describe('PushService.notificationFor', () => {
  const message = {
    id: 'm1',
    chatId: 'c1',
    seq: 3,
    senderId: 'ann',
    text: 'x'.repeat(1_500),
    attachments: [],
  } as unknown as Message;

  it('shows the sender and the text, cut to 1,000 characters', async () => {
    const shown = await service().push.notificationFor(tenantId, message);
    expect(shown.title).toBe('Ann A.');
    expect(shown.body).toHaveLength(1_000);
    expect(shown.body!.endsWith('…')).toBe(true);
    expect(shown.data).toEqual({ tenantId, chatId: 'c1', messageId: 'm1', seq: '3' });
  });

  it('shows only the sender, or nothing, as the tenant says', async () => {
    expect(
      await service({ notificationText: 'sender' }).push.notificationFor(tenantId, message),
    ).toMatchObject({
      title: 'Ann A.',
      body: null,
    });
    expect(await service({ notificationText: 'none' }).push.notificationFor(tenantId, message)).toMatchObject(
      {
        title: null,
        body: null,
      },
    );
  });
});
