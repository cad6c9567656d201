import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@parley/protocol';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { renderAsyncApi } from '../../apps/api/src/contract.js';

const ASYNCAPI_PATH = new URL('../../openapi/asyncapi.yaml', import.meta.url);

type Json = Record<string, any>;

describe('openapi/asyncapi.yaml', () => {
  const committed = readFileSync(ASYNCAPI_PATH, 'utf8');

  test('is what @parley/protocol generates (no drift)', () => {
    if (committed !== renderAsyncApi()) {
      expect.fail(
        'openapi/asyncapi.yaml differs from what @parley/protocol generates. Run `npm run openapi` and commit openapi/.',
      );
    }
  });

  test('passes the AsyncAPI 3 parser without errors or warnings', async () => {
    const diagnostics = await new Parser().validate(committed);
    const problems = diagnostics
      .filter((diagnostic) => diagnostic.severity <= 1) // errors and warnings
      .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
    expect(problems).toEqual([]);
  });

  test('describes every event of the protocol: client events with their ack, server events', () => {
    const document = parse(committed) as Json;
    const messages = document.channels.v1.messages as Record<string, Json>;
    const names = Object.values(messages).map((message) => message.name as string);
    for (const event of Object.keys(CLIENT_EVENTS)) {
      expect(names, event).toContain(event);
      expect(names, `${event} ack`).toContain(`${event} ack`);
      const operation = document.operations[`client.${event.replace(/:/g, '.')}`] as Json;
      expect(operation.action, event).toBe('receive');
      expect(operation.reply.messages, event).toHaveLength(1);
    }
    for (const event of Object.keys(SERVER_EVENTS)) {
      expect(names, event).toContain(event);
      expect(document.operations[`server.${event.replace(/:/g, '.')}`].action, event).toBe('send');
    }
    expect(document.channels.v1.address).toBe('/v1');
  });
});
