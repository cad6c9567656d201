import { mapLimit } from '../lib/load.js';
import { range, userId } from '../lib/options.js';
import { realtimeScenario } from '../lib/realtime-scenario.js';

export const PAIRS = 100;

/**
 * Who sends where in the 1:1 scenarios: pair i is sockets 2i (sender) and 2i + 1 (receiver) in chat i,
 * and message k goes from pair k mod pairs.
 */
export function pairsTraffic(sockets, chatIds) {
  const pairs = chatIds.length;
  return {
    senders: range(pairs).map((i) => ({ socket: sockets[2 * i], chatId: chatIds[i] })),
    receivers: range(pairs).map((i) => ({ socket: sockets[2 * i + 1] })),
    expected: (k) => [k % pairs],
    expectedPerMessage: 1,
  };
}

/** Direct chat i between `users[2i]` and `users[2i + 1]`, made by `create`; answers the chat ids in order. */
export function createPairChats(create, users) {
  return mapLimit(range(users.length / 2), 16, async (i) => {
    const chat = await create({ kind: 'direct', members: [users[2 * i], users[2 * i + 1]] });
    return chat.id;
  });
}

/**
 * 1:1 chat over socket.io: `pairs` direct chats, each with one sender socket and one receiver socket
 * (each user its own connection). `message:send` is offered at `rate` messages a second in total on a
 * fixed timeline, spread evenly over the senders, without waiting for acks. Receivers time every
 * `message:new` against the timestamp in its text and report `delivered` every 500 ms like the SDK.
 * A fresh API and database per rate.
 */
export function pairsScenario({ name, rate, pairs = PAIRS }) {
  const users = range(pairs * 2).map(userId);
  return realtimeScenario({
    name,
    rate,
    users,
    describe: { pairs, sockets: users.length },
    createChats: (create) => createPairChats(create, users),
    plan: pairsTraffic,
  });
}
