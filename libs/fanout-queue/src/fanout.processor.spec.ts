import { describe, expect, it, vi } from 'vitest';
import type { FanoutJob } from '@parley/queue';
import { FanoutProcessor } from './fanout.processor.js';

const notification = {
  title: 'Ann',
  body: 'hi',
  data: { tenantId: 't1', chatId: 'c1', messageId: 'm1', seq: '1' },
};

function processor(pages: { userIds: string[]; next: string | null }[]) {
  const calls: string[] = [];
  const queue = {
    enqueue: vi.fn((_queue: string, job: { id: string }) => {
      calls.push(`enqueue ${job.id}`);
      return Promise.resolve();
    }),
  };
  const webhooks = { publish: vi.fn(() => Promise.resolve(0)) };
  const push = {
    tenantHasDevices: vi.fn(() => Promise.resolve(true)),
    notificationFor: vi.fn(() => Promise.resolve(notification)),
    membersToNotify: vi.fn(() => Promise.resolve(pages.shift()!)),
    notifyMembers: vi.fn((_t: string, _s: string, userIds: string[]) => {
      calls.push(`notify ${userIds.join(',')}`);
      return Promise.resolve(userIds.length);
    }),
  };
  return {
    fanout: new FanoutProcessor(queue as never, webhooks as never, push as never),
    queue,
    webhooks,
    push,
    calls,
  };
}

const event = (type: string): FanoutJob => ({
  kind: 'event',
  tenantId: 't1',
  chatId: 'c1',
  event: {
    id: 'e1',
    type: type as never,
    createdAt: '2026-01-01T00:00:00.000Z',
    tenantId: 't1',
    data: { chatId: 'c1', message: { id: 'm1', chatId: 'c1', seq: 1, senderId: 'ann', text: 'hi' } },
  },
});

describe('FanoutProcessor', () => {
  it('publishes a new message to webhooks, then enqueues the next chunk before notifying this one', async () => {
    const { fanout, webhooks, calls, queue } = processor([{ userIds: ['ann', 'bo'], next: 'bo' }]);
    await fanout.handle(event('message.new'));
    expect(webhooks.publish).toHaveBeenCalledWith('t1', expect.objectContaining({ id: 'e1' }));
    expect(calls).toEqual([expect.stringMatching(/^enqueue push-chunk\.m1\.[0-9a-f]{24}$/), 'notify ann,bo']);
    expect(queue.enqueue).toHaveBeenCalledWith('fanout', {
      id: expect.any(String),
      payload: {
        kind: 'push-chunk',
        tenantId: 't1',
        chatId: 'c1',
        messageId: 'm1',
        senderId: 'ann',
        afterUserId: 'bo',
        notification,
      },
    });
  });

  it('stops at the last chunk, and does no push work for other events', async () => {
    const last = processor([{ userIds: ['cy'], next: null }]);
    await last.fanout.handle(event('message.new'));
    expect(last.calls).toEqual(['notify cy']);

    const edit = processor([]);
    await edit.fanout.handle(event('message.updated'));
    expect(edit.webhooks.publish).toHaveBeenCalled();
    expect(edit.push.membersToNotify).not.toHaveBeenCalled();
  });
});
