/**
 * Garbage on the socket: bytes that are not AMQP, wrong protocol headers, malformed frames. Each
 * case must end with the broker closing that one socket, and the broker must keep serving other
 * connections without losing stored messages.
 */
import { ServiceBusClient } from '@azure/service-bus';

import { type EmulatorHandle, startEmulator } from '../../src/emulator';
import { queueDefaults } from '../../src/emulator/config';
import { AMQP_HEADER, SASL_HEADER, type SocketResult, expectRoundTrip, frame, rawExchange } from './badInputRaw';

const PRECIOUS = ['p1', 'p2', 'p3'];

let broker: EmulatorHandle;
/** What the broker reported through `onWarning` (kept out of the test output). */
const warnings: string[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    onWarning: (warning) => warnings.push(warning),
    queues: [
      { ...queueDefaults, name: 'alive' },
      { ...queueDefaults, name: 'keep', requiresSession: true },
    ],
  });
  // Messages accepted before the abuse starts; the last test checks none was lost.
  const client = new ServiceBusClient(broker.connectionString);
  try {
    await client.createSender('keep').sendMessages(PRECIOUS.map((body) => ({ body, sessionId: 'precious' })));
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await broker?.close();
});

/** The broker closed the socket (instead of hanging on to it), and still serves a new SDK connection. */
async function expectClosedAndAlive(result: SocketResult): Promise<void> {
  expect(result.closedByBroker).toBe(true);
  await expectRoundTrip(broker.connectionString, 'alive');
}

/** Whatever the broker sent before closing is AMQP (a protocol header), never something else. */
function expectOnlyAmqp(result: SocketResult): void {
  if (result.received.length > 0) expect(result.received.subarray(0, 4).toString('latin1')).toBe('AMQP');
}

describe('broker under garbage input', () => {
  it('closes a socket that sends random bytes', async () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 17) % 256));
    const result = await rawExchange(broker.port, [garbage]);
    expectOnlyAmqp(result);
    await expectClosedAndAlive(result);
  });

  it('answers an unsupported AMQP version with its own protocol header, then closes', async () => {
    // AMQP 1.0 section 2.2: the server MUST send a supported header, then close the socket.
    const result = await rawExchange(broker.port, [Buffer.from([0x41, 0x4d, 0x51, 0x50, 1, 1, 0, 0])]);
    expect(result.received.length).toBeGreaterThanOrEqual(8);
    const header = result.received.subarray(0, 8);
    expect(header.subarray(0, 4).toString('latin1')).toBe('AMQP');
    expect([0, 3]).toContain(header[4]);
    expect([...header.subarray(5, 8)]).toEqual([1, 0, 0]);
    await expectClosedAndAlive(result);
  });

  it('hands a socket that speaks HTTP to the HTTP side (which answers it), not to AMQP', async () => {
    const result = await rawExchange(broker.port, [Buffer.from('GET /nothing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 'latin1')]);
    expect(result.received.subarray(0, 9).toString('latin1')).toBe('HTTP/1.1 ');
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends AMQP 0-9-1', async () => {
    const result = await rawExchange(broker.port, [Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1])]);
    expectOnlyAmqp(result);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a frame with an invalid data offset after a valid header', async () => {
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(Buffer.alloc(8), { doff: 0 })]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a frame shorter than its own header', async () => {
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(Buffer.alloc(8), { size: 3 })]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a frame whose body is not a performative', async () => {
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(Buffer.from([0x00, 0x53, 0xff, 0x45, 0xde, 0xad, 0xbe, 0xef]))]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a truncated performative', async () => {
    // 0x00 0x53 0x10 = open; 0xd0 = list32 announcing far more bytes than the frame holds.
    const body = Buffer.from([0x00, 0x53, 0x10, 0xd0, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x0a]);
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(body)]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a frame of an unknown type', async () => {
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(Buffer.alloc(4), { type: 0x7f })]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that announces a 4 GiB frame before open, instead of buffering it', async () => {
    // Before open the maximum frame size is 512 bytes (AMQP 1.0 section 2.4.1).
    const result = await rawExchange(broker.port, [AMQP_HEADER, frame(Buffer.alloc(1024), { size: 0xffffffff })]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends garbage in place of a SASL frame', async () => {
    const result = await rawExchange(broker.port, [SASL_HEADER, frame(Buffer.from([0x00, 0x53, 0xff, 0x45]), { type: 1 })]);
    await expectClosedAndAlive(result);
  });

  it.each([
    ['without a mechanism', Buffer.from([0x00, 0x53, 0x41, 0x45])],
    ["with the unknown mechanism 'X'", Buffer.from([0x00, 0x53, 0x41, 0xc0, 0x04, 0x01, 0xa3, 0x01, 0x58])],
  ])('answers a sasl-init %s with sasl-outcome auth, then closes the socket', async (_label, saslInit) => {
    const result = await rawExchange(broker.port, [SASL_HEADER, frame(saslInit, { type: 1 })]);
    // sasl-outcome (descriptor 0x44) whose code is ubyte 1 (auth).
    const outcome = result.received.indexOf(Buffer.from([0x00, 0x53, 0x44]));
    expect(outcome).toBeGreaterThan(0);
    expect(result.received.subarray(outcome).includes(Buffer.from([0x50, 0x01]))).toBe(true);
    // A client that ignores the failed outcome must not hold a socket (and its buffers) forever.
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends an AMQP frame inside the SASL layer', async () => {
    const result = await rawExchange(broker.port, [SASL_HEADER, frame(Buffer.from([0x00, 0x53, 0x10, 0x45]), { type: 0 })]);
    await expectClosedAndAlive(result);
  });

  it('closes a socket that sends a transfer on a channel that was never begun', async () => {
    // A minimal valid open (container-id "x"), then a transfer (0x14) on channel 7.
    const open = frame(Buffer.from([0x00, 0x53, 0x10, 0xc0, 0x04, 0x01, 0xa1, 0x01, 0x78]));
    const transfer = frame(Buffer.from([0x00, 0x53, 0x14, 0xc0, 0x02, 0x01, 0x43]), { channel: 7 });
    const result = await rawExchange(broker.port, [AMQP_HEADER, open, transfer]);
    await expectClosedAndAlive(result);
  });

  it('has kept every message accepted before the garbage', async () => {
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const receiver = await client.acceptSession('keep', 'precious');
      const received = await receiver.receiveMessages(PRECIOUS.length, { maxWaitTimeInMs: 15_000 });
      expect(received.map((m) => m.body)).toEqual(PRECIOUS);
      for (const m of received) await receiver.completeMessage(m);
    } finally {
      await client.close();
    }
  });
});
