import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { ChatNotFoundError, ChatsService } from '@parley/chats';
import { CONFIG, type Config } from '@parley/config';

import { parseInput } from '@parley/errors';
import { ChatEvents, chatRoom, userRoom } from '@parley/fanout';
import { describeError } from '@parley/http';
import { MessagesService } from '@parley/messages';
import { MetricsService } from '@parley/metrics';
import { PresenceService } from '@parley/presence';
import {
  CLIENT_EVENTS,
  HandshakeAuthSchema,
  REALTIME_NAMESPACE,
  type Ack,
  type ClientEventName,
  type ClientEventResult,
  type HandshakeErrorData,
} from '@parley/protocol';
import { RateLimitService } from '@parley/rate-limit';
import { ReceiptsService } from '@parley/receipts';
import { ActingUserRequiredError, AuthService, type Actor } from '@parley/tenancy';
import type { z } from 'zod';
import { TokenBucket } from './token-bucket.js';
import { TypingRelay } from './typing-relay.js';

type Input<E extends ClientEventName> = z.output<(typeof CLIENT_EVENTS)[E]['input']>;
type AckFn = (answer: Ack<unknown>) => void;
type Handler<E extends ClientEventName> = (
  actor: Actor,
  input: Input<E>,
  socket: Socket,
) => Promise<ClientEventResult<E>> | ClientEventResult<E>;

interface SocketState {
  actor: Actor;
  bucket: TokenBucket;
  /** Settles when the connection's last message change has taken its place (see `inOrder`). */
  turn: Promise<void>;
  /** Settles when every message change of the connection so far has finished. */
  settled: Promise<void>;
}

/** Per connection, on top of the per-user send rate: enough for typing, receipts and sends at speed. */
const EVENTS_PER_SECOND = 50;
const EVENT_BURST = 100;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The `/v1` socket namespace: a thin transport over the same services as REST. Every inbound event is
 * validated with its protocol schema and answered through its ack; a bad one gets an error ack and the
 * connection lives on.
 */
@WebSocketGateway({
  namespace: REALTIME_NAMESPACE,
  // Websocket only: no long-polling, so API nodes behind a load balancer need no sticky sessions.
  transports: ['websocket'],
  pingInterval: 10_000,
  pingTimeout: 10_000,
  maxHttpBufferSize: 1_000_000,
  serveClient: false,
})
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger('Realtime');
  private namespace: Namespace | null = null;
  private draining = false;
  private inFlight = 0;

  private readonly handlers: { [E in ClientEventName]: Handler<E> } = {
    'message:send': async (actor, { chatId, ...body }, socket) => {
      const sent = await sendInOrder(
        socket,
        async () => {
          await this.limits.checkSend(actor);
          return this.messages.prepareSend(actor, chatId, body);
        },
        (prepared) => this.messages.store(prepared, socket.id),
      );
      return sent.message;
    },
    'message:edit': (actor, { chatId, messageId, text }, socket) =>
      inOrder(socket, () => this.messages.edit(actor, chatId, messageId, text)),
    'message:delete': (actor, { chatId, messageId }, socket) =>
      inOrder(socket, () => this.messages.delete(actor, chatId, messageId)),
    'reaction:add': (actor, { chatId, messageId, emoji }, socket) =>
      inOrder(socket, () => this.messages.react(actor, chatId, messageId, emoji)),
    'reaction:remove': (actor, { chatId, messageId, emoji }, socket) =>
      inOrder(socket, () => this.messages.unreact(actor, chatId, messageId, emoji)),
    typing: (actor, { chatId, isTyping }, socket) => {
      this.requireRoom(actor, chatId, socket);
      this.typing.update(actor.tenantId, chatId, actor.userId!, socket.id, isTyping);
      return null;
    },
    read: (actor, { chatId, seq }) => this.receipts.markRead(actor, chatId, seq),
    delivered: (actor, { chatId, seq }, socket) => {
      this.requireRoom(actor, chatId, socket);
      this.receipts.markDelivered(actor, chatId, seq);
      return null;
    },
  };

  /**
   * Every event of every connection goes to this one listener (socket.io calls it with the socket as
   * `this`): a listener per event per connection made each idle connection about 1 KB bigger, and one
   * listener for all of them also hears the events the contract does not name.
   */
  private readonly onClientEvent = sharedBySockets((socket, event, args) => {
    // The ack, when there is one, is the last argument; every event of the contract has one payload.
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as AckFn) : undefined;
    const payloads = ack ? args.length - 1 : args.length;
    if (!isClientEvent(event))
      this.refuse(socket, ack, `Unknown event ${JSON.stringify(event.slice(0, 64))}`);
    else if (payloads > 1) this.refuse(socket, ack, `${event} takes one payload, not ${payloads}`);
    else void this.dispatch(socket, event, payloads === 1 ? args[0] : undefined, ack);
  });

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly auth: AuthService,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly receipts: ReceiptsService,
    private readonly presence: PresenceService,
    private readonly typing: TypingRelay,
    private readonly limits: RateLimitService,
    private readonly events: ChatEvents,
    private readonly metrics: MetricsService,
  ) {}

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    this.events.attach(namespace);
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(handshakeError(error)),
      );
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const { actor } = state(socket);
    this.metrics.socketConnections.inc();
    socket.onAny(this.onClientEvent);
    await this.presence
      .connected(actor, socket.id)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'presence'));
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const socketState = socket.data as Partial<SocketState>;
    if (!socketState.actor) return;
    this.metrics.socketConnections.dec();
    this.typing.forget(socket.id);

    await this.presence.disconnected(socketState.actor, socket.id).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'presence');
    });
  }

  /**
   * Graceful stop: refuse new connections and events, let in-flight ones finish, then close this
   * node's sockets so their clients reconnect to another node.
   */
  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.namespace?.local.disconnectSockets(true);
  }

  private async authenticate(socket: Socket): Promise<void> {
    if (this.draining)
      throw Object.assign(new Error('This node is shutting down'), { code: 'unavailable' as const });
    const auth = parseInput(HandshakeAuthSchema, socket.handshake.auth ?? {}, 'auth');
    const origin = socket.handshake.headers.origin;
    const caller = await this.auth.authenticate(
      { bearer: auth.token, apiKey: auth.apiKey, onBehalfOf: auth.onBehalfOf, origin },
      'tenant',
    );
    if (caller.kind !== 'tenant' || !caller.actor.userId) throw new ActingUserRequiredError();
    const socketState: SocketState = {
      actor: caller.actor,
      bucket: new TokenBucket(EVENT_BURST, EVENTS_PER_SECOND),
      turn: Promise.resolve(),
      settled: Promise.resolve(),
    };
    Object.assign(socket.data as object, socketState);
    // Rooms are joined before the handshake completes: a client that sees `connect` (and then catches
    // up) misses no event sent after that. Joined later, events of the first moments were lost.
    const { tenantId, userId } = caller.actor;
    const chatIds = await this.chats.chatIdsOf(tenantId, userId);
    await socket.join([userRoom(tenantId, userId), ...chatIds.map((id) => chatRoom(tenantId, id))]);
  }

  private async dispatch<E extends ClientEventName>(
    socket: Socket,
    event: E,
    payload: unknown,
    ack: AckFn | undefined,
  ): Promise<void> {
    const reply: AckFn = ack ?? ignoreAnswer;
    const { actor } = state(socket);
    if (this.draining)
      return reply(failure('unavailable', 'This node is shutting down; retry after reconnecting'));
    if (!this.takeEventToken(socket)) return reply(TOO_MANY_EVENTS);
    this.inFlight += 1;
    const timer = this.metrics.socketEventDuration.startTimer({ event });
    try {
      const input = parseInput(CLIENT_EVENTS[event].input, payload, 'payload') as Input<E>;
      reply({ ok: true, data: await this.handlers[event](actor, input, socket) });
      timer({ outcome: 'ok' });
    } catch (error) {
      const described = describeError(error);
      timer({ outcome: described.code });

      if (described.errorId)
        this.logger.error({ err: error, errorId: described.errorId, event }, 'socket event failed');
      reply(failure(described.code, described.detail));
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * An event the contract does not name, or one sent with more than its payload, is answered, so that a
   * client waiting for the ack hears why (a typo, or a newer SDK than this server) instead of timing
   * out. It counts against the rate limit.
   */
  private refuse(socket: Socket, reply: AckFn | undefined, message: string): void {
    if (!reply) return;
    reply(this.takeEventToken(socket) ? failure('validation_failed', message) : TOO_MANY_EVENTS);
  }

  /** Every event spends one of its connection's tokens; false when none is left. */
  private takeEventToken(socket: Socket): boolean {
    return !this.config.rateLimits || state(socket).bucket.take();
  }

  /** A socket is in a chat's room exactly while its user is a member. */
  private requireRoom(actor: Actor, chatId: string, socket: Socket): void {
    if (!socket.rooms.has(chatRoom(actor.tenantId, chatId))) throw new ChatNotFoundError(chatId);
  }
}

function state(socket: Socket): SocketState {
  return socket.data as SocketState;
}

/** Own keys only: an event named `constructor` or `__proto__` is not one of ours. */
function isClientEvent(event: string): event is ClientEventName {
  return Object.hasOwn(CLIENT_EVENTS, event);
}

/** An `onAny` listener shared by every socket: socket.io passes the socket as `this`. */
function sharedBySockets(
  handle: (socket: Socket, event: string, args: unknown[]) => void,
): (this: Socket, event: string, ...args: unknown[]) => void {
  return function (this: Socket, event, ...args) {
    handle(this, event, args);
  };
}

const settle = (): void => undefined;
const ignoreAnswer: AckFn = () => undefined;
const TOO_MANY_EVENTS = failure('rate_limited', 'Too many events on this connection');

/**
 * Message changes from one connection take effect in the order they were sent: a client that sends
 * without waiting for acks still gets its messages stored, and numbered, in its own order. An edit,
 * delete or reaction waits until everything the connection sent before it has finished.
 */
function inOrder<T>(socket: Socket, work: () => Promise<T>): Promise<T> {
  const socketState = state(socket);
  const run = socketState.settled.then(work, work);
  socketState.settled = socketState.turn = run.then(settle, settle);
  return run;
}

/**
 * A send holds the connection's turn only while it is checked and until it has its place in the
 * writer's queue (`store` takes it when called): the next send is checked meanwhile, and sends in
 * flight are written together, still numbered in the connection's order.
 */
function sendInOrder<P, T>(
  socket: Socket,
  prepare: () => Promise<P>,
  store: (prepared: P) => Promise<T>,
): Promise<T> {
  const socketState = state(socket);
  const prepared = socketState.turn.then(prepare, prepare);
  // Registered before the turn passes on, so this store is queued before the next send's.
  const stored = prepared.then(store);
  socketState.turn = prepared.then(settle, settle);
  socketState.settled = Promise.allSettled([socketState.settled, stored]).then(settle);
  return stored;
}

function failure(
  code: HandshakeErrorData['code'],
  message: string,
): { ok: false; error: { code: HandshakeErrorData['code']; message: string } } {
  return { ok: false, error: { code, message } };
}

/** A failed handshake reaches the client as `connect_error` with `data.code`. */
function handshakeError(error: unknown): Error & { data: HandshakeErrorData } {
  const explicit = (error as { code?: string }).code === 'unavailable';
  const described = explicit
    ? { code: 'unavailable' as const, detail: (error as Error).message }
    : describeError(error);
  return Object.assign(new Error(described.detail), { data: { code: described.code } });
}
