import { message as rheaMessage, types, type Message } from 'rhea';
import { readRenewRequest } from '../../src/emulator/management/readRenewRequest';
import { message as codec } from '../../src/emulator/rhea/codec';
import { Prng } from '../fuzz/prng';

const RENEW = 'com.microsoft:renew-session-lock';

/** A renew-session-lock request as the client (and the official SDK's shape) sends it. */
const request = (change: Partial<Message> = {}, properties: Record<string, unknown> = {}, body: unknown = { 'session-id': 'session-1' }): Message =>
  ({
    message_id: 'c2f1a0e4-0000-4000-8000-000000000000:17',
    reply_to: '$management-reply-6f1c',
    application_properties: { operation: RENEW, 'com.microsoft:tracking-id': '0d4c1d2e-1111-4222-8333-944445555666', 'associated-link-name': 'receiver-link-1', ...properties },
    body,
    ...change,
  }) as Message;

/**
 * When readRenewRequest reads the bytes, the broker's codec (rhea behind the bounded pass) decodes them
 * too, into the same fields: the request handleManagementRequest would have handled.
 */
function expectAgreement(bytes: Buffer): boolean {
  const read = readRenewRequest(bytes);
  if (read === undefined) return false;
  const decoded = codec.decode(bytes) as unknown as Message;
  const props = decoded.application_properties as Record<string, unknown>;
  expect(props['operation']).toBe(RENEW);
  expect(read.messageId).toBe(decoded.message_id);
  expect(read.replyTo).toBe(decoded.reply_to);
  const linkName = props['associated-link-name'];
  expect(read.associatedLinkName).toBe(typeof linkName === 'string' ? linkName : undefined);
  expect(read.sessionId).toBe((decoded.body as Record<string, unknown>)['session-id']);
  return true;
}

const accepted: Array<[string, Buffer]> = [
  ['the client request', rheaMessage.encode(request())],
  ['no associated-link-name', rheaMessage.encode(request({ application_properties: { operation: RENEW } }))],
  ['long strings (str32) everywhere', rheaMessage.encode(request({ message_id: 'm'.repeat(300), reply_to: 'r'.repeat(256) }, { 'associated-link-name': 'l'.repeat(400) }, { 'session-id': 's'.repeat(1000) }))],
  ['non-ASCII and empty strings', rheaMessage.encode(request({ message_id: '' }, { 'associated-link-name': 'línk-日本' }, { 'session-id': 'sessión-🚀' }))],
  ['other scalar properties and body entries', rheaMessage.encode(request({ subject: 'x', group_id: 'g', user_id: Buffer.from('u') as unknown as string }, { 'server-timeout': types.wrap_uint(60000), n: 7, big: types.wrap_long(2 ** 40), flag: true, none: null, when: new Date(5), id: types.wrap_uuid(Buffer.alloc(16, 3)), sym: types.wrap_symbol('s') }, { a: 1, 'session-id': 'session-1', b: 'x' }))],
  ['no header', rheaMessage.encode(request()).subarray(4)],
];

describe('readRenewRequest', () => {
  it.each(accepted)('reads what rhea decodes: %s', (_name, bytes) => {
    expect(expectAgreement(bytes)).toBe(true);
  });

  it('reads the client request', () => {
    expect(readRenewRequest(rheaMessage.encode(request()))).toEqual({
      messageId: 'c2f1a0e4-0000-4000-8000-000000000000:17',
      replyTo: '$management-reply-6f1c',
      sessionId: 'session-1',
      associatedLinkName: 'receiver-link-1',
    });
  });

  it.each<[string, Buffer]>([
    ['another operation', rheaMessage.encode(request({}, { operation: 'com.microsoft:renew-lock' }))],
    ['an operation symbol', rheaMessage.encode(request({}, { operation: types.wrap_symbol(RENEW) }))],
    ['a uuid message id', rheaMessage.encode(request({ message_id: types.wrap_uuid(Buffer.alloc(16, 1)) as unknown as string }))],
    ['a number message id', rheaMessage.encode(request({ message_id: 42 as unknown as string }))],
    ['no message id', rheaMessage.encode(request({ message_id: undefined }))],
    ['no reply-to', rheaMessage.encode(request({ reply_to: undefined }))],
    ['a session-id that is not a string', rheaMessage.encode(request({}, {}, { 'session-id': 5 }))],
    ['no session-id', rheaMessage.encode(request({}, {}, { other: 'x' }))],
    ['a null associated-link-name', rheaMessage.encode(request({}, { 'associated-link-name': null }))],
    ['a symbol key', rheaMessage.encode(request({ application_properties: types.wrap_map({ operation: RENEW }, types.wrap_symbol) as unknown as Record<string, unknown> }))],
    ['a compound property value', rheaMessage.encode(request({}, { list: [1, 2] }))],
    ['a data body', rheaMessage.encode(request({ body: rheaMessage.data_section(Buffer.from('x')) }))],
    ['a list body', rheaMessage.encode(request({}, {}, ['session-id', 'x']))],
    ['a durable header', rheaMessage.encode(request({ durable: true }))],
    ['message annotations', rheaMessage.encode(request({ message_annotations: { x: 1 } }))],
    ['a footer', rheaMessage.encode(request({ footer: { x: 1 } } as Partial<Message>))],
    ['trailing bytes', Buffer.concat([rheaMessage.encode(request()), Buffer.from([0x40])])],
    ['a float property (left to rhea)', rheaMessage.encode(request({}, { f: 1.5 }))],
  ])('leaves to rhea: %s', (_name, bytes) => {
    expect(readRenewRequest(bytes)).toBeUndefined();
  });

  it('leaves to rhea a request with a duplicate operation, link name or session id', () => {
    const str8 = (text: string): Buffer => Buffer.concat([Buffer.from([0xa1, Buffer.byteLength(text)]), Buffer.from(text)]);
    const mapSection = (code: number, entries: string[]): Buffer => {
      const items = Buffer.concat(entries.map(str8));
      return Buffer.concat([Buffer.from([0x00, 0x53, code, 0xc1, items.length + 1, entries.length]), items]);
    };
    const withNullBody = rheaMessage.encode({ message_id: 'm:1', reply_to: 'reply' });
    const head = withNullBody.subarray(0, withNullBody.length - 4); // without its `00 53 77 40` (null body)
    const raw = (properties: string[], body: string[]): Buffer => Buffer.concat([head, mapSection(0x74, properties), mapSection(0x77, body)]);
    const link = 'associated-link-name';
    expect(expectAgreement(raw(['operation', RENEW, link, 'l'], ['session-id', 's']))).toBe(true);
    expect(readRenewRequest(raw(['operation', RENEW, 'operation', RENEW], ['session-id', 's']))).toBeUndefined();
    expect(readRenewRequest(raw(['operation', RENEW, link, 'l', link, 'm'], ['session-id', 's']))).toBeUndefined();
    expect(readRenewRequest(raw(['operation', RENEW], ['session-id', 's', 'session-id', 't']))).toBeUndefined();
  });

  it("reads a request laid out as the previous one from the same places, and only such a request", () => {
    const ids = (n: number): Message => request({ message_id: `c2f1a0e4-0000-4000-8000-00000000000${n % 10}:1${n % 10}` }, { 'com.microsoft:tracking-id': `${n % 10}d4c1d2e-1111-4222-8333-944445555666`, 'associated-link-name': `receiver-link-${n % 10}` }, { 'session-id': `session-${n % 10}` });
    for (let n = 0; n < 30; n++) {
      expect(expectAgreement(rheaMessage.encode(ids(n)))).toBe(true);
      expect(readRenewRequest(rheaMessage.encode(request({}, { operation: 'com.microsoft:renew-session-lick' })))).toBeUndefined();
      expect(expectAgreement(rheaMessage.encode(ids(n)))).toBe(true);
      const renamed = { operation: RENEW, 'com.microsoft:tracking-id': '0d4c1d2e-1111-4222-8333-944445555666', 'associated-link-nane': 'receiver-link-1' };
      expect(readRenewRequest(rheaMessage.encode(request({ application_properties: renamed })))!.associatedLinkName).toBeUndefined();
      expect(readRenewRequest(rheaMessage.encode(request({}, {}, { 'session-ix': 'session-1' })))).toBeUndefined();
    }
  });

  it('agrees with rhea on every truncation and on byte flips of each request (or leaves it to rhea)', () => {
    const prng = new Prng(15);
    const next = (): number => prng.next();
    let read = 0;
    let cases = 0;
    for (const [, bytes] of accepted) {
      for (let n = 0; n < bytes.length; n++) {
        cases++;
        if (expectAgreement(bytes.subarray(0, n))) read++;
      }
      for (let i = 0; i < bytes.length; i++) {
        for (const flip of [0x01, 0x10, 0x80, 0xff, Math.floor(next() * 255) + 1]) {
          const copy = Buffer.from(bytes);
          copy[i] = copy[i]! ^ flip;
          cases++;
          if (expectAgreement(copy)) read++;
        }
      }
      for (let k = 0; k < 2000; k++) {
        const copy = Buffer.from(bytes);
        for (let j = 0; j < 3; j++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
        cases++;
        if (expectAgreement(copy)) read++;
      }
    }
    // Most damaged requests are left to rhea; flips inside strings are read (and must agree).
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(cases);
  });
});
