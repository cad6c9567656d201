import * as msgpack from 'notepack.io';
import { describe, expect, it } from 'vitest';
import { ownEchoSkippingParser } from './own-echo-parser.js';

/** A room emit as the Redis adapter writes it: `[uid, packet, options]`. */
const roomEmit = (uid: string, text: string): unknown[] => [
  uid,
  { type: 2, data: ['message:new', { text }], nsp: '/v1' },
  { rooms: ['t:1:c:1'], except: ['socket-1'], flags: {} },
];

describe('ownEchoSkippingParser', () => {
  it('writes exactly what the adapter would write by default', () => {
    const parser = ownEchoSkippingParser();
    const message = roomEmit('abcdef', 'hello');

    expect(parser.encode(message).equals(msgpack.encode(message) as Buffer)).toBe(true);
  });

  it("answers the node's own emits as its uid alone, without reading the rest", () => {
    const parser = ownEchoSkippingParser();
    const echo = parser.encode(roomEmit('abcdef', 'hello'));

    expect(parser.decode(echo)).toEqual(['abcdef']);
  });

  it("decodes other nodes' emits in full, even ones whose uid shares a start with its own", () => {
    const parser = ownEchoSkippingParser();
    parser.encode(roomEmit('abcdef', 'mine'));
    const otherNode = ownEchoSkippingParser();

    for (const uid of ['abcdeg', 'abcde', 'abcdefg', 'ABCDEF']) {
      const theirs = roomEmit(uid, 'theirs');
      expect(parser.decode(otherNode.encode(theirs))).toEqual(theirs);
    }
  });

  it('knows the uids of every adapter it serves, and decodes requests, which are not room emits', () => {
    const parser = ownEchoSkippingParser();
    const first = parser.encode(roomEmit('aaaaaa', 'one'));
    const second = parser.encode(roomEmit('bbbbbb', 'two'));
    const request = { type: 4, uid: 'aaaaaa', requestId: 'r1', rooms: ['t:1:c:1'] };

    expect(parser.decode(first)).toEqual(['aaaaaa']);
    expect(parser.decode(second)).toEqual(['bbbbbb']);
    expect(parser.decode(parser.encode(request))).toEqual(request);
  });
});
