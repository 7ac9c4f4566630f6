import { message as rheaMessage, types, type Message } from 'rhea-promise';
import { readBodyTimestamp, readReply } from '../../src/amqp/readReply';

const EXPIRY = new Date(1_764_000_000_123);

/** A renew-session-lock reply as the emulator (and Service Bus) sends it. */
const renewReply = (change: Partial<Message> = {}): Message => ({
  correlation_id: 'prefix:42',
  application_properties: { statusCode: types.wrap_int(200), statusDescription: 'OK' },
  body: { expiration: EXPIRY },
  ...change,
});

/** What the client reads from a reply once rhea decoded it (RequestResponseLink, renewedExpiry). */
function viaRhea(bytes: Buffer): { id: unknown; status: number; expiration: unknown } | undefined {
  let m: Message;
  // rhea warns on the console about each section it skips: these bytes are corrupted on purpose.
  const quiet = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    m = rheaMessage.decode(bytes) as unknown as Message;
  } catch {
    return undefined;
  } finally {
    quiet.mockRestore();
  }
  const props = m.application_properties ?? {};
  const body = m.body as Record<string, unknown> | null | undefined;
  return { id: m.correlation_id, status: Number(props['statusCode'] ?? props['status-code']), expiration: typeof body === 'object' && body !== null ? body['expiration'] : undefined };
}

/**
 * readReply and readBodyTimestamp agree with rhea wherever both read anything. (They read only the
 * sections and entries they need: bytes malformed elsewhere, which rhea refuses, may still be read.)
 */
function expectAgreement(bytes: Buffer, rheaMustDecode = true): boolean {
  const head = readReply(bytes);
  if (head === undefined) return false;
  const rhea = viaRhea(bytes);
  if (!rheaMustDecode && rhea === undefined) return false;
  expect(rhea).toBeDefined();
  expect(head.correlationId).toBe(rhea!.id);
  expect(head.status).toBe(rhea!.status);
  const expiry = readBodyTimestamp(bytes, head.bodyAt, 'expiration');
  if (expiry !== undefined) expect(expiry.getTime()).toBe((rhea!.expiration as Date).getTime());
  return true;
}

describe('readReply', () => {
  it('reads a renew-session-lock reply: correlation id, status, expiry', () => {
    const bytes = rheaMessage.encode(renewReply());
    const head = readReply(bytes);
    expect(head).toMatchObject({ correlationId: 'prefix:42', status: 200 });
    expect(readBodyTimestamp(bytes, head!.bodyAt, 'expiration')).toEqual(EXPIRY);
  });

  it.each<[string, Partial<Message>]>([
    ['status-code (dashed) and other properties', { application_properties: { 'status-code': types.wrap_ushort(200), other: 'x', n: 7 } }],
    ['statusCode wins over status-code', { application_properties: { 'status-code': types.wrap_int(500), statusCode: types.wrap_int(201) } }],
    ['symbol keys', { application_properties: { statusCode: types.wrap_int(200) }, body: types.wrap_map({ expiration: EXPIRY }, types.wrap_symbol) as unknown }],
    ['a long correlation id (str32) and message id', { correlation_id: 'c'.repeat(300), message_id: 'm' }],
    ['a failure status', { application_properties: { statusCode: types.wrap_int(410), statusDescription: 'gone', errorCondition: types.wrap_symbol('com.microsoft:session-lock-lost') }, body: {} }],
    ['more entries in the body', { body: { a: 1, expiration: EXPIRY, b: 'x'.repeat(400) } }],
    ['a header and annotations', { durable: true, message_annotations: { x: 1 } }],
  ])('agrees with rhea: %s', (_name, change) => {
    expect(expectAgreement(rheaMessage.encode(renewReply(change)))).toBe(true);
  });

  it.each<[string, Partial<Message>]>([
    ['no correlation id', { correlation_id: undefined }],
    ['a uuid correlation id', { correlation_id: types.wrap_uuid(Buffer.alloc(16, 1)) as unknown as string }],
    ['a string status', { application_properties: { statusCode: '200' } }],
    ['no status', { application_properties: { statusDescription: 'OK' } }],
    ['a data body', { body: rheaMessage.data_section(Buffer.from('x')) }],
  ])('leaves to rhea: %s', (_name, change) => {
    expect(readReply(rheaMessage.encode(renewReply(change)))).toBeUndefined();
  });

  it('leaves to rhea an application-properties map whose count is odd (a key without its value)', () => {
    const bytes = rheaMessage.encode(renewReply());
    const at = bytes.indexOf(Buffer.from([0x00, 0x53, 0x74])); // application-properties
    expect(readReply(bytes)).toBeDefined();
    const odd = Buffer.from(bytes);
    // 4 entries (2 pairs) declared as 3; the map's size still spans all 4, so each is there to be read.
    if (odd[at + 3] === 0xc1) odd[at + 5] = 3;
    else odd.writeUInt32BE(3, at + 8); // map32
    expect([0xc1, 0xd1]).toContain(odd[at + 3]);
    expect(readReply(odd)).toBeUndefined();
  });

  it('reads no expiry from a body without a timestamp there (rhea decodes such a reply)', () => {
    for (const body of [{ expiration: 5 }, { other: EXPIRY }, ['expiration', EXPIRY], 'expiration', { expiration: EXPIRY, later: 1, ['expiration' + '']: 'x' }]) {
      const bytes = rheaMessage.encode(renewReply({ body }));
      const head = readReply(bytes);
      expect(head).toBeDefined();
      expect(readBodyTimestamp(bytes, head!.bodyAt, 'expiration')).toBeUndefined();
    }
  });

  it('every truncation and many single-byte changes of a reply: nothing thrown, and what it reads agrees with what rhea decodes', () => {
    const bytes = rheaMessage.encode(renewReply({ message_annotations: { k: 'v' } }));
    for (let n = 0; n < bytes.length; n++) {
      const head = readReply(bytes.subarray(0, n));
      if (head !== undefined) expectAgreement(bytes.subarray(0, n), false);
    }
    for (let i = 0; i < bytes.length; i++) {
      for (const v of [0x00, 0x40, 0x45, 0x53, 0x7f, 0xa1, 0xb1, 0xc1, 0xd1, 0xff]) {
        const changed = Buffer.from(bytes);
        changed[i] = v;
        expectAgreement(changed, false);
      }
    }
  });
});
