import { message as rheaMessage } from 'rhea-promise';
import { InvalidArgumentError } from '../../src';
import { decodeBody, encodeBody } from '../../src/amqp/messageBody';
import { encodeOutgoingMessage } from '../../src/client/encodeOutgoingMessage';
import { decodeSessionState, encodeSessionState } from '../../src/session/sessionStateCodec';
import { ticksToDate } from '../../src/amqp/dotnetTicks';
import { lockTokenFromDeliveryTag, lockTokenToUuid, uuidToString } from '../../src/amqp/lockToken';
import { longToBigInt } from '../../src/amqp/amqpLong';

const roundTrip = (body: unknown): unknown => decodeBody(rheaMessage.decode(rheaMessage.encode({ body: encodeBody(body) })).body);

describe('message bodies (the official SDK rule)', () => {
  it.each([['a string'], [42], [true], [null], [{ a: [1, 'b'] }], [[1, 2]]])('JSON values round-trip: %j', (value) => {
    expect(roundTrip(value)).toEqual(value);
  });
  it('bytes travel as they are and come back as bytes unless they are JSON', () => {
    expect(Buffer.from(roundTrip(new Uint8Array([0, 255, 7])) as Uint8Array)).toEqual(Buffer.from([0, 255, 7]));
    expect(roundTrip(Buffer.from('{"x":1}'))).toEqual({ x: 1 });
  });
  it('undefined is sent as null', () => {
    expect(roundTrip(undefined)).toBeNull();
  });
  it('amqp-value bodies are returned as decoded', () => {
    expect(decodeBody(rheaMessage.decode(rheaMessage.encode({ body: 'plain value' })).body)).toBe('plain value');
  });
});

describe('outgoing messages', () => {
  it('map to the AMQP fields the official SDK uses', () => {
    const m = encodeOutgoingMessage(
      { body: 'x', sessionId: 's', messageId: 'id', correlationId: 7, subject: 'sub', contentType: 'text/plain', timeToLive: 1_000, partitionKey: 'p', scheduledEnqueueTime: new Date(5), applicationProperties: { k: 'v' } },
      'message',
      1_000_000,
    );
    expect(m).toMatchObject({ group_id: 's', message_id: 'id', correlation_id: 7, subject: 'sub', content_type: 'text/plain', ttl: 1_000, application_properties: { k: 'v' } });
    expect(m.creation_time).toEqual(new Date(1_000_000));
    expect(m.absolute_expiry_time).toEqual(new Date(1_001_000));
    expect(m.message_annotations).toEqual({ 'x-opt-partition-key': 'p', 'x-opt-scheduled-enqueue-time': new Date(5) });
  });
  it.each([
    ['message.sessionId', { body: 1, sessionId: 'x'.repeat(129) }],
    ['message.messageId', { body: 1, messageId: 'x'.repeat(129) }],
    ['message.messageId', { body: 1, messageId: -1 }],
    ['message.timeToLive', { body: 1, timeToLive: 0 }],
    ['message.scheduledEnqueueTime', { body: 1, scheduledEnqueueTime: new Date(Number.NaN) }],
    ['message.applicationProperties', { body: 1, applicationProperties: [] }],
    ['message.body', { body: 10n }],
  ])('refuses a bad %s', (argument, m) => {
    expect(() => encodeOutgoingMessage(m as never, 'message', 0)).toThrow(expect.objectContaining({ argument }) as unknown as Error);
    expect(() => encodeOutgoingMessage(m as never, 'message', 0)).toThrow(InvalidArgumentError);
  });
});

describe('session state (interop rule)', () => {
  it('strings are stored as their JSON text and read back as strings', () => {
    const bytes = encodeSessionState('abc');
    expect(bytes?.toString('utf8')).toBe('"abc"');
    expect(decodeSessionState(bytes)).toBe('abc');
  });
  it('bytes are stored as they are; JSON that is not a string is read back as bytes', () => {
    expect(encodeSessionState(new Uint8Array([1, 2]))).toEqual(Buffer.from([1, 2]));
    expect(decodeSessionState(Buffer.from('{"a":1}'))).toEqual(new Uint8Array(Buffer.from('{"a":1}')));
    expect(decodeSessionState(Buffer.from('"unterminated'))).toEqual(new Uint8Array(Buffer.from('"unterminated')));
  });
  it('null clears; unset reads as undefined', () => {
    expect(encodeSessionState(null)).toBeNull();
    expect(decodeSessionState(null)).toBeUndefined();
  });
});

describe('wire values', () => {
  it('reads .NET ticks (an 8-byte long) as a Date', () => {
    const ms = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    const buf = Buffer.alloc(8);
    buf.writeBigInt64BE(BigInt(ms) * 10_000n + 621_355_968_000_000_000n);
    expect(ticksToDate(buf)).toEqual(new Date(ms));
    expect(ticksToDate('nope')).toBeUndefined();
  });
  it('formats a delivery tag in .NET GUID order and a management uuid in RFC order', () => {
    const tag = Buffer.from('6c903d01f0a86b43bf17000102030405', 'hex');
    expect(lockTokenFromDeliveryTag(tag)).toBe('013d906c-a8f0-436b-bf17-000102030405');
    expect(lockTokenFromDeliveryTag(Buffer.from('0'))).toBeUndefined();
    expect(uuidToString(lockTokenToUuid('013d906c-a8f0-436b-bf17-000102030405'))).toBe('013d906c-a8f0-436b-bf17-000102030405');
  });
  it('reads AMQP longs given as numbers or 8-byte buffers', () => {
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(2n ** 60n);
    expect(longToBigInt(big)).toBe(2n ** 60n);
    expect(longToBigInt(12)).toBe(12n);
    expect(longToBigInt('12')).toBeUndefined();
  });
});
