import 'reflect-metadata';
import pg from 'pg';
import { uuid7 } from '../../dist/libs/db/src/uuid7.js';
import { MessageWriter } from '../../dist/libs/messages/src/message-writer.js';
import { SearchPendingList } from '../../dist/libs/messages/src/search-pending-list.js';
import { createClient } from '../lib/http.js';
import { QUICK, range, round1, userId } from '../lib/options.js';
import { cpuSeconds, startServer } from '../lib/server.js';
import { createTenant } from '../lib/tenant.js';
import { createPairChats } from './realtime-pairs.js';

const CHATS = 100;
const IN_FLIGHT = [1, 8, 64, 512];
const WARMUP_MESSAGES = QUICK ? 500 : 5_000;
const MEASURE = { messages: QUICK ? 2_000 : 40_000, maxMs: QUICK ? 3_000 : 15_000 };
const TEXT = 'The quick brown fox jumps over the lazy dog, write cost message ';

/**
 * What storing a message costs Postgres, apart from sockets, Redis and the load generator: the
 * server's own `MessageWriter` (from dist/, not a copy of its SQL), on one connection of its own to a
 * fresh API's database, stores sends into 100 direct chats, with 1, 8, 64 and 512 sends in flight.
 * The writer batches what arrives while a batch is written, so a batch holds about half of what is in
 * flight (alternately one send and the rest). Each line has the backend's CPU per message, read from
 * /proc (null when Postgres runs on another machine), and the batch statements run.
 */
export async function writeCostScenario({ name }) {
  const server = await startServer();
  const client = createClient(server.baseUrl, { connections: 16 });
  const db = new pg.Client({ connectionString: server.databaseUrl });
  try {
    const tenant = await createTenant(client, server, `bench ${name}`);
    const users = range(CHATS * 2).map(userId);
    await tenant.upsertUsers(users);
    const chatIds = await createPairChats(
      (body) => client.call('POST', '/v1/chats', { headers: tenant.backend, body }),
      users,
    );

    await db.connect();
    const backend = (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    let statements = 0;
    const database = {
      query: async (sql, params = []) => (await db.query(sql, params)).rows,
      prepared: async (statement, text, values) => {
        statements += 1;
        return (await db.query({ name: statement, text, values })).rows;
      },
    };
    const writer = new MessageWriter(database, new SearchPendingList(database));

    let sent = 0;
    const sendOne = () => {
      const k = sent++;
      const chat = k % CHATS;
      return writer.send(tenant.id, chatIds[chat], users[2 * chat + (Math.floor(k / CHATS) % 2)], {
        // The server's own ids, time-ordered: random ones would spread the inserts over the primary key.
        id: uuid7(),
        clientId: `c${k}`,
        kind: 'text',
        text: TEXT + k,
        attachments: [],
        replyTo: null,
      });
    };
    /** `inFlight` senders, each sending again as soon as its send is stored, until `messages` or `maxMs`. */
    const drive = async (inFlight, { messages, maxMs }) => {
      const start = performance.now();
      const first = sent;
      const worker = async () => {
        while (sent - first < messages && performance.now() - start < maxMs) {
          const outcome = await sendOne();
          if (outcome.kind !== 'created') throw new Error(`a send was ${outcome.kind}, not created`);
        }
      };
      await Promise.all(range(inFlight).map(worker));
      return { messages: sent - first, ms: performance.now() - start };
    };

    const lines = [];
    for (const inFlight of IN_FLIGHT) {
      await drive(inFlight, { messages: WARMUP_MESSAGES, maxMs: MEASURE.maxMs });
      const cpuBefore = cpuSeconds(backend);
      const statementsBefore = statements;
      const { messages, ms } = await drive(inFlight, MEASURE);
      const cpuAfter = cpuSeconds(backend);
      const batches = statements - statementsBefore;
      const cpuUs = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) * 1e6;
      lines.push({
        scenario: name,
        inFlight,
        messages,
        statements: batches,
        messagesPerStatement: round1(messages / batches),
        messagesPerSec: Math.round(messages / (ms / 1000)),
        postgresUsPerMessage: cpuUs === null ? null : round1(cpuUs / messages),
        postgresUsPerStatement: cpuUs === null ? null : round1(cpuUs / batches),
      });
    }
    return lines;
  } finally {
    await db.end().catch(() => undefined);
    client.close();
    await server.stop();
  }
}
