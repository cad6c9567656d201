import {
  ackSchema,
  CLIENT_EVENTS,
  HandshakeAuthSchema,
  REALTIME_NAMESPACE,
  SERVER_EVENTS,
} from '@parley/protocol';
import type { z } from 'zod';
import { SchemaConverter, type JsonSchema } from './schemas.js';

const COMPONENTS = '#/components/schemas/';
const CHANNEL = 'v1';

const DESCRIPTION = `Parley's realtime API: socket.io 4 (Engine.IO 4, websocket transport only), path \`/socket.io\`,
namespace \`${REALTIME_NAMESPACE}\`.

**Handshake**: \`auth: { apiKey: 'pk_…', token: '<user token>' }\` from an end user's client, or
\`auth: { token: 'sk_…', onBehalfOf: '<userId>' }\` from the tenant's backend (schema \`HandshakeAuth\`).
A refused handshake ends in socket.io's \`connect_error\` with \`data.code\`, an \`ErrorCode\` such as
\`unauthenticated\` or \`origin_not_allowed\`.

**Acks**: every client → server event takes an ack, answered \`{ ok: true, data }\` or
\`{ ok: false, error: { code, message } }\` (the operation's \`reply\`). An event name not listed
here, or an event with more than one payload before its ack, is answered \`validation_failed\`.

The same services back REST and the socket: a REST send reaches sockets too. The REST API is
described by \`openapi/openapi.json\`.`;

/**
 * AsyncAPI keys allow `[A-Za-z0-9._-]`, and `typing` goes both ways: the client's `message:send` is
 * keyed `client.message.send`, the server's `typing` `server.typing`.
 */
const keyOf = (side: 'client' | 'server', event: string): string => `${side}.${event.replace(/:/g, '.')}`;

/**
 * The AsyncAPI 3 document of the socket.io namespace, generated from `CLIENT_EVENTS` and
 * `SERVER_EVENTS` of `@parley/protocol`: an event added there appears here with its schemas.
 * Operations are from the server's side: it receives client events (and replies with the ack) and
 * sends server events.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const converter = new SchemaConverter('draft-07');
  const schemas: Record<string, JsonSchema> = {};
  const payload = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const converted = converter.convert(schema, io, COMPONENTS);
    Object.assign(schemas, converted.components);
    return converted.schema;
  };
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelRef = { $ref: `#/channels/${CHANNEL}` };
  const messageRef = (key: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });

  for (const [event, { input, result }] of Object.entries(CLIENT_EVENTS) as [
    string,
    (typeof CLIENT_EVENTS)[keyof typeof CLIENT_EVENTS],
  ][]) {
    const key = keyOf('client', event);
    messages[key] = { name: event, title: event, payload: payload(input, 'input') };
    messages[`${key}.ack`] = {
      name: `${event} ack`,
      title: `${event} ack`,
      summary: `The ack of \`${event}\``,
      payload: payload(ackSchema(result), 'output'),
    };
    operations[key] = {
      action: 'receive',
      channel: channelRef,
      summary: `Client → server \`${event}\`, acked`,
      messages: [messageRef(key)],
      reply: { channel: channelRef, messages: [messageRef(`${key}.ack`)] },
    };
  }
  for (const [event, schema] of Object.entries(SERVER_EVENTS) as [string, z.ZodType][]) {
    const key = keyOf('server', event);
    messages[key] = { name: event, title: event, payload: payload(schema, 'output') };
    operations[key] = {
      action: 'send',
      channel: channelRef,
      summary: `Server → client \`${event}\``,
      messages: [messageRef(key)],
    };
  }
  const handshake = payload(HandshakeAuthSchema, 'input');

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Parley realtime API',
      version: 'v1',
      description: DESCRIPTION,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      parley: {
        host: 'localhost:3000',
        pathname: '/socket.io',
        protocol: 'ws',
        description: 'A Parley API node (any node of a cluster); use wss behind TLS.',
        'x-socketio-handshake-auth': handshake,
      },
    },
    channels: {
      [CHANNEL]: {
        address: REALTIME_NAMESPACE,
        title: `socket.io namespace ${REALTIME_NAMESPACE}`,
        description:
          "A socket joins a room for its user and one per chat of theirs; events reach the rooms' sockets on every node.",
        servers: [{ $ref: '#/servers/parley' }],
        messages,
      },
    },
    operations,
    components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))) },
  };
}
