import { range, userId } from '../lib/options.js';
import { realtimeScenario } from '../lib/realtime-scenario.js';

/**
 * Who sends where in a group scenario: every socket is a member of the one chat, the first `senders`
 * send in turn, and message k reaches every member but its sender.
 */
export function groupTraffic(sockets, chatId, senders) {
  const othersOf = range(senders).map((sender) => range(sockets.length).filter((m) => m !== sender));
  return {
    senders: range(senders).map((i) => ({ socket: sockets[i], chatId })),
    receivers: sockets.map((socket) => ({ socket })),
    expected: (k) => othersOf[k % senders],
    expectedPerMessage: sockets.length - 1,
  };
}

/**
 * One group of `members` members, each with their own socket; the first `senders` of them send
 * `perSender` messages a second each (on a fixed timeline, interleaved evenly, acks not awaited).
 * Every other member's socket must receive every message once (the sending socket has it in its ack):
 * (members - 1) × messages deliveries. Receivers report `delivered` every 500 ms like the SDK.
 */
export function groupScenario({ name, members = 100, senders = 10, perSender = 20 }) {
  const users = range(members).map(userId);
  return realtimeScenario({
    name,
    rate: senders * perSender,
    users,
    describe: { members, senders, perSenderPerSec: perSender },
    createChats: async (create) => [
      (await create({ kind: 'group', title: 'Bench group', members: users })).id,
    ],
    plan: (sockets, [chatId]) => groupTraffic(sockets, chatId, senders),
  });
}
