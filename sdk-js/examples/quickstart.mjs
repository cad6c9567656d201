/* eslint-disable no-console -- an example prints what happens */
// Two users chat through Parley, both in this one process (a real app has one user per client, and
// its backend signs the tokens). Run it against a local Parley (`npm start` prints the demo keys):
//
//   PARLEY_URL=http://localhost:3000 PARLEY_PUBLISHABLE_KEY=pk_… PARLEY_SECRET_KEY=sk_… \
//     node sdk-js/examples/quickstart.mjs
import { ParleyClient } from '@parley/sdk';
import { createUserToken } from '@parley/sdk/server';

const baseUrl = process.env.PARLEY_URL ?? 'http://localhost:3000';
const apiKey = process.env.PARLEY_PUBLISHABLE_KEY;
const secretKey = process.env.PARLEY_SECRET_KEY;
if (!apiKey || !secretKey) throw new Error('Set PARLEY_PUBLISHABLE_KEY and PARLEY_SECRET_KEY');

// Your backend's part: sign a short-lived token for the signed-in user. A provider is asked again
// before each token expires.
const tokenFor = (userId) => async () => createUserToken(secretKey, userId, { expiresIn: 3600 });

const alice = new ParleyClient({ apiKey, baseUrl });
const bob = new ParleyClient({ apiKey, baseUrl });
alice.on('connection', ({ state }) => console.log(`alice is ${state}`));
await alice.connect(tokenFor('alice'));
await bob.connect(tokenFor('bob'));

const aliceChat = await alice.chats.openDirect('bob');
const bobChat = await bob.chats.open(aliceChat.id);

// Bob's view: every state change is a new snapshot.
const heard = new Promise((resolve) => {
  const stop = bobChat.subscribe(({ messages }) => {
    const last = messages.at(-1);
    if (last?.senderId === 'alice') {
      stop();
      resolve(last);
    }
  });
});

const sending = aliceChat.send('Hi Bob!');
console.log(`alice sees her message as: ${aliceChat.getState().messages.at(-1).status}`);
const stored = await sending;
console.log(`stored as seq ${stored.seq}`);
console.log(`bob got: ${(await heard).text}`);

await bobChat.markRead();
await bobChat.react(stored.id, '👋');
await new Promise((resolve) => {
  const check = ({ messages }) => {
    const mine = messages.find((m) => m.id === stored.id);
    if (mine?.status === 'read' && mine.reactions['👋']) {
      console.log(`alice sees: ${mine.status}, reactions ${JSON.stringify(mine.reactions)}`);
      stop();
      resolve();
    }
  };
  const stop = aliceChat.subscribe(check);
  check(aliceChat.getState());
});

await alice.disconnect();
await bob.disconnect();
