/**
 * The issue's reference servers, to measure the machine and the load generator by rather than Parley:
 * a bare socket.io server (the socket.io Parley runs on, no Nest, no checks, no Redis) that relays each
 * `message:send` of a chat to the chat's other socket and acks it, either at once (`relay`) or after
 * one INSERT of its own into Postgres (`insert`). Run as a child process by `startReferenceServer`:
 *
 *   REFERENCE_MODE=relay|insert PORT=… [DATABASE_URL=…] node bench/lib/reference-server.js
 *
 * A socket joins the chat named in its handshake (`auth.chatId`). Events and acks have Parley's shape
 * (`message:new` `{ message }`, acks `{ ok, data }`), so the realtime scenarios' generator drives it
 * unchanged; `delivered` is acked and otherwise ignored. `seq` numbers a chat's messages as they are
 * sent on (`relay`) or as Postgres stored them (`insert`: one sequence for the table); nothing keeps
 * a chat's concurrent INSERTs in order, which is what a bare server does.
 */
import http from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';

const MODE = process.env.REFERENCE_MODE;
if (MODE !== 'relay' && MODE !== 'insert')
  throw new Error(`REFERENCE_MODE must be relay or insert, not ${MODE}`);

const pool =
  MODE === 'insert'
    ? new pg.Pool({
        connectionString: process.env.DATABASE_URL,
        max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
      })
    : null;
if (pool) {
  await pool.query(
    `CREATE TABLE messages (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, chat_id text NOT NULL,
                           client_id text NOT NULL, text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
}

const httpServer = http.createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const io = new Server(httpServer, { transports: ['websocket'] });
const seqOf = new Map();

/** The chat's next number (relay), or the number Postgres gave the stored row (insert). */
async function store(chatId, clientId, text) {
  if (!pool) {
    const seq = (seqOf.get(chatId) ?? 0) + 1;
    seqOf.set(chatId, seq);
    return seq;
  }
  const { rows } = await pool.query(
    'INSERT INTO messages (chat_id, client_id, text) VALUES ($1, $2, $3) RETURNING seq',
    [chatId, clientId, text],
  );
  return Number(rows[0].seq);
}

io.of('/v1').on('connection', (socket) => {
  const chatId = String(socket.handshake.auth?.chatId ?? '');
  socket.join(chatId);
  socket.on('message:send', async ({ clientId, text }, ack) => {
    try {
      const message = { chatId, clientId, text, seq: await store(chatId, clientId, text) };
      socket.to(chatId).emit('message:new', { message });
      ack({ ok: true, data: message });
    } catch (error) {
      ack({ ok: false, error: { code: 'internal', message: error.message } });
    }
  });
  socket.on('delivered', (_payload, ack) => ack({ ok: true }));
});

process.once('SIGTERM', () => {
  io.close();
  void pool?.end();
});
httpServer.listen(Number(process.env.PORT), '127.0.0.1');
