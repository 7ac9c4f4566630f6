import { message as rhea, types } from 'rhea';
import { parseMessage, MessageDecodeError } from '../../src/emulator/wire/parseMessage';

/** What rhea decodes for message-id and group-id (the broker's reference). */
function reference(bytes: Buffer): { messageId: unknown; sessionId: string | undefined } {
  const decoded = rhea.decode(bytes) as { message_id?: unknown; group_id?: unknown };
  return { messageId: decoded.message_id ?? undefined, sessionId: typeof decoded.group_id === 'string' ? decoded.group_id : undefined };
}

const parsed = (bytes: Buffer): { messageId: unknown; sessionId: string | undefined } => {
  const content = parseMessage(bytes);
  return { messageId: content.messageId === undefined ? undefined : types.unwrap(content.messageId), sessionId: content.sessionId };
};

/** A properties section (descriptor smallulong 0x73) with a hand-made list, then a body. */
function withProperties(list: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x53, 0x73]), list, rhea.encode({ body: 'b' }) as unknown as Buffer]);
}

describe('parseMessage: message-id and group-id, as rhea decodes them', () => {
  it.each([
    ['string id and session', { message_id: 'm-1', group_id: 'session-1', body: 'x' }],
    ['numeric id, no session', { message_id: 42, body: 'x' }],
    ['uuid id', { message_id: types.wrap_uuid(Buffer.alloc(16, 7)), group_id: 's', body: 'x' }],
    ['binary id', { message_id: types.wrap_binary(Buffer.alloc(300, 1)), group_id: 's'.repeat(300), body: 'x' }],
    ['every properties field', { message_id: 'id', user_id: Buffer.from('u'), to: 't', subject: 's', reply_to: 'r', correlation_id: 'c', content_type: 'ct', content_encoding: 'ce', absolute_expiry_time: 1_764_748_800_000, creation_time: 1_764_748_800_000, group_id: 'g', group_sequence: 3, reply_to_group_id: 'rg', body: 'x' }],
    ['a long subject (list32)', { message_id: 'id', subject: 's'.repeat(400), group_id: 'g', body: 'x' }],
    ['no properties', { body: 'x' }],
  ])('%s', (_name, fields) => {
    const bytes = rhea.encode(fields as never) as unknown as Buffer;
    expect(parsed(bytes)).toEqual(reference(bytes));
  });

  it('reads a symbol group-id as rhea does (a string)', () => {
    const list = Buffer.concat([Buffer.from([0xc0, 0, 11]), Buffer.from([0xa1, 2, 0x69, 0x64]), Buffer.alloc(9, 0x40), Buffer.from([0xa3, 1, 0x67])]);
    list[1] = list.length - 2;
    const bytes = withProperties(list);
    expect(parsed(bytes)).toEqual({ messageId: 'id', sessionId: 'g' });
    expect(parsed(bytes)).toEqual(reference(bytes));
  });

  it('falls back to the full decode for other encodings: a described field, a char, a list0', () => {
    const described = Buffer.from([0xc0, 8, 2, 0x00, 0x53, 0x01, 0xa1, 1, 0x78, 0x40]);
    expect(parsed(withProperties(described))).toEqual(reference(withProperties(described)));
    const char = Buffer.from([0xc0, 8, 2, 0xa1, 1, 0x78, 0x73, 0, 0, 0, 0x41].slice(0, 11));
    char[1] = char.length - 2;
    expect(parsed(withProperties(char))).toEqual(reference(withProperties(char)));
    expect(parsed(withProperties(Buffer.from([0x45])))).toEqual({ messageId: undefined, sessionId: undefined });
  });

  it('refuses a properties list whose fields overrun it, as before', () => {
    const overrun = Buffer.from([0xc0, 3, 1, 0xa1, 5, 0x61]);
    expect(() => parseMessage(withProperties(overrun))).toThrow(MessageDecodeError);
  });
});

describe('parseMessage: the header section', () => {
  it('reads an empty header (what rhea writes for a message without header fields) as every field null', () => {
    const bytes = rhea.encode({ message_id: 1, body: 'x' } as never) as unknown as Buffer;
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x53, 0x70, 0x45]);
    const content = parseMessage(bytes);
    expect(content.header).toEqual({ durable: null, priority: null, ttl: null, firstAcquirer: null });
    // The same fields as a header list of nulls decoded the long way.
    const nulls = Buffer.concat([Buffer.from([0x00, 0x53, 0x70, 0xc0, 5, 4, 0x40, 0x40, 0x40, 0x40]), bytes.subarray(4)]);
    expect(parseMessage(nulls).header).toEqual(content.header);
    expect(parseMessage(nulls).bare.equals(content.bare)).toBe(true);
  });

  it('decodes a header with fields as before', () => {
    const bytes = rhea.encode({ durable: true, priority: 7, ttl: 5000, first_acquirer: false, body: 'x' } as never) as unknown as Buffer;
    const header = parseMessage(bytes).header;
    expect([header.durable, header.priority, header.ttl, header.firstAcquirer].map((v) => (v === null ? null : types.unwrap(v)))).toEqual([true, 7, 5000, false]);
  });
});
