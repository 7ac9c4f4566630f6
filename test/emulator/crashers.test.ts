/**
 * Regression tests for the inputs that crashed or stalled the broker (issue 10): each is replayed
 * against a live broker, which must close only the offending connection (or refuse only the offending
 * delivery) and keep serving an official-SDK client.
 */
import { message as rheaMessage } from 'rhea';
import { type EmulatorHandle, startEmulator } from '../../src/emulator';
import { queueDefaults } from '../../src/emulator/config';
import { RawClient, expectRoundTrip, within } from './badInputRaw';
import { AMQP_HEADER, ARRAY_BOMB, WireClient, amqpFrame, rawFrame } from './hostileWire';

let broker: EmulatorHandle;
const warnings: string[] = [];

beforeAll(async () => {
  broker = await startEmulator({ port: 0, onWarning: (w) => warnings.push(w), queues: [{ ...queueDefaults, name: 'alive' }] });
});
afterAll(async () => {
  await broker?.close();
});

/** A described list (performative `code`) holding `fields` as raw encoded bytes. */
function performative(code: number, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat(fields);
  const head = Buffer.alloc(9);
  head.writeUInt32BE(body.length + 4, 0);
  head.writeUInt32BE(fields.length, 4);
  return Buffer.concat([Buffer.from([0x00, 0x53, code, 0xd0]), head.subarray(0, 8), body]);
}

describe('hostile bytes (issue 10 crashers)', () => {
  it('closes the 26-byte SASL frame whose array count is 2^32-1 (was: heap exhausted) and keeps serving', async () => {
    const client = await WireClient.connect(broker.port);
    client.write(Buffer.from('414d5150030100000000001202010000f000000005ffffffff40', 'hex'));
    await within(client.closed, 5_000, 'the broker closing the socket');
    expect(warnings.some((w) => w.includes('could not be decoded'))).toBe(true);
    await expectRoundTrip(broker.connectionString, 'alive');
  });

  it('closes an open frame holding the same array, with amqp:decode-error', async () => {
    const client = await WireClient.connect(broker.port);
    const open = performative(0x10, Buffer.from([0xa1, 0x01, 0x78]), ARRAY_BOMB);
    client.write(AMQP_HEADER, rawFrame(open));
    await within(client.closed, 5_000, 'the broker closing the socket');
    await expectRoundTrip(broker.connectionString, 'alive');
  });

  it('closes a frame nested 10,000 lists deep (bounded decoding depth)', async () => {
    const client = await WireClient.opened(broker.port);
    const deep = Buffer.concat([Buffer.from([0x00, 0x53, 0x13]), Buffer.alloc(10_000 * 3).fill(Buffer.from([0xc0, 0x01, 0x01])), Buffer.from([0x40])]);
    client.write(rawFrame(deep));
    await within(client.closed, 5_000, 'the broker closing the socket');
    expect(client.closeError()?.condition).toBe('amqp:decode-error');
  });

  it('rejects a $cbs request whose application-properties hold the array (decode-error), and answers the next', async () => {
    const raw = await RawClient.open(broker.port);
    try {
      const sender = raw.connection.open_sender({ target: { address: '$cbs' } });
      await within(new Promise((resolve) => sender.once('sendable', resolve)), 10_000, 'credit on $cbs');
      const bomb = Buffer.concat([Buffer.from([0x00, 0x53, 0x74, 0xc1, 0x0e, 0x02, 0xa1, 0x01, 0x78]), ARRAY_BOMB]);
      const outcome = await RawClient.sendRaw(sender, bomb);
      expect(outcome.outcome).toBe('rejected');
      expect(outcome.error?.condition).toBe('amqp:decode-error');
      const reply = await raw.putToken(raw.audience('alive'));
      expect(reply.statusCode).toBe(202);
    } finally {
      await raw.close();
    }
  });

  it('rejects a message whose annotations hold the array (decode-error) on a queue link that keeps working', async () => {
    const raw = await RawClient.open(broker.port);
    try {
      expect((await raw.putToken(raw.audience('alive'))).statusCode).toBe(202);
      const opened = await raw.sender('alive');
      if (!opened.ok) throw new Error('sender refused');
      const bomb = Buffer.concat([Buffer.from([0x00, 0x53, 0x72, 0xc1, 0x0e, 0x02, 0xa3, 0x01, 0x78]), ARRAY_BOMB, Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x01, 0x61])]);
      const outcome = await RawClient.sendRaw(opened.link, bomb);
      expect(outcome.outcome).toBe('rejected');
      expect(outcome.error?.condition).toBe('amqp:decode-error');
      expect((await RawClient.send(opened.link, { body: 'after' })).outcome).toBe('accepted');
    } finally {
      await raw.close();
    }
    const client = new (await import('@azure/service-bus')).ServiceBusClient(broker.connectionString);
    try {
      const [after] = await client.createReceiver('alive', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 10_000 });
      expect(after?.body).toBe('after');
    } finally {
      await client.close();
    }
  });

  it('answers a disposition over 2^32 delivery ids at once (was: 19–36 s stall), in both roles', async () => {
    const client = await WireClient.opened(broker.port);
    for (const role of [true, false]) {
      client.write(amqpFrame('disposition', { role, first: 0, last: 0xffffffff, settled: true, state: (rheaMessage as unknown as { accepted(): { described(): unknown } }).accepted().described() }));
    }
    // The broker has processed both dispositions once it answers the close that follows them.
    client.write(amqpFrame('close', {}));
    await within(client.frame('close'), 5_000, 'the close after the dispositions');
    client.destroy();
    await expectRoundTrip(broker.connectionString, 'alive');
  });

  it('drops an endless delivery to $cbs as it arrives and rejects it when it ends (amqp:link:message-size-exceeded)', async () => {
    const client = await WireClient.opened(broker.port);
    await client.sendLongDelivery(200); // ~12 MB
    const disposition = await client.frame('disposition');
    // The rejected outcome, as rhea decodes it (a described list holding the error).
    expect(JSON.stringify(disposition.fields['state'])).toContain('amqp:link:message-size-exceeded');
    client.destroy();
    await expectRoundTrip(broker.connectionString, 'alive');
  });

  it('closes the connection of a delivery that goes on past 16 MiB (amqp:resource-limit-exceeded); others are unaffected', async () => {
    const client = await WireClient.opened(broker.port);
    await client.sendLongDelivery(300); // ~18 MB: the broker closes the connection part-way
    const close = await within(client.frame('close'), 10_000, 'the close of the endless delivery');
    expect(JSON.stringify(close.fields['error'])).toContain('amqp:resource-limit-exceeded');
    client.destroy();
    await expectRoundTrip(broker.connectionString, 'alive');
  });
});
