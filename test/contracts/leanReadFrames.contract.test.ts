/**
 * Contract test for the broker's leanReadFrames (src/emulator/rhea/leanReadFrames.ts): a copy of rhea's
 * `Transport.read` whose `readFrame` must return exactly what rhea's `frames.read_frame` returns (the same
 * performative class over the same typed field values) for every frame, and fall back to rhea's for the rest.
 */
import { createHash } from 'node:crypto';
import type { Connection, EventContext } from 'rhea';
import { amqpTransport, type IncomingFrame } from '../../src/emulator/rhea/internals';
import { IncomingTransferPerformative, leanReadFrames, readFrame } from '../../src/emulator/rhea/leanReadFrames';
import { next, rheaPair, until, within, type RheaPair } from './rheaPair';

const rheaTransport = require('rhea/lib/transport.js') as { prototype: { read: unknown } };
const rheaFrames = require('rhea/lib/frames.js') as {
  read_frame(buffer: Buffer): IncomingFrame;
  write_frame(frame: { channel: number; type: number; performative?: unknown; payload?: Buffer }): Buffer;
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): { channel: number; type: number; performative?: unknown; payload?: Buffer };
  flow(fields: object): unknown;
  transfer(fields: object): unknown;
  disposition(fields: object): unknown;
  attach(fields: object): unknown;
  begin(fields: object): unknown;
  detach(fields: object): unknown;
  end(fields: object): unknown;
};
const rheaMessage = require('rhea/lib/message.js') as { accepted(): unknown; modified(fields?: object): unknown; rejected(fields?: object): unknown };
const rheaTypes = require('rhea/lib/types.js') as { Reader: { prototype: Record<string, unknown> } };

/** sha256 of rhea 3.0.5's sources the copy and the lean reading follow. */
const PINNED: Record<string, [unknown, string]> = {
  'Transport.prototype.read': [rheaTransport.prototype.read, 'a661fb1868e08943b081955cfab62b3729929acbec3f57e88084403b90970e43'],
  'frames.read_frame': [rheaFrames.read_frame, '5aed2ade576aa5c1f5bfa79a190ebd00cf1a2981cb711d006dcb8b39914a1465'],
  'Reader.prototype.read': [rheaTypes.Reader.prototype['read'], 'e1b09596ffbfd8f9f7fc5f5e1bb6ccb4c5b6b68ec817eeae68de841396d5c45d'],
  'Reader.prototype.read_n': [rheaTypes.Reader.prototype['read_n'], '2704dad4629626d32ca205edec6b82e10d0cbe4e972cdc08f2322c51c1fed02e'],
  'Reader.prototype.read_compound': [rheaTypes.Reader.prototype['read_compound'], 'f51438129c12fdefd8b56b86e149299ac53a1aecc3595c799f207021d2decef1'],
};

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanReadFrames.ts relies on it)`);
}

/** The fields rhea's transfer composite defines (its accessors). */
const TRANSFER_FIELDS = Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(rheaFrames.transfer({})) as object))
  .filter(([, d]) => d.get !== undefined)
  .map(([name]) => name);

/**
 * readFrame and rhea's read_frame agree: same frame, same performative class and fields; or, for a lean
 * transfer, every field rhea's accessors return (the same value: null stays null, absent undefined).
 */
function expectSameAsRhea(bytes: Buffer): void {
  const lean = readFrame(bytes);
  const rhea = rheaFrames.read_frame(bytes);
  if (lean.performative instanceof IncomingTransferPerformative) {
    const [ours, theirs] = [lean.performative as unknown as Record<string, unknown>, rhea.performative as unknown as Record<string, unknown>];
    expect(String(rhea.performative?.constructor)).toBe('transfer#14');
    expect(String(lean.performative.constructor)).toBe(String(rhea.performative?.constructor));
    for (const field of TRANSFER_FIELDS) expect([field, ours[field]]).toStrictEqual([field, theirs[field]]);
    expect(Object.keys(ours).sort()).toEqual([...TRANSFER_FIELDS].sort());
    expect({ ...lean, performative: undefined }).toEqual({ ...rhea, performative: undefined });
    expect(Object.keys(lean)).toEqual(Object.keys(rhea));
    const handled: unknown[] = [];
    lean.performative.dispatch({ on_transfer: (frame) => handled.push(frame) }, lean);
    expect(handled).toEqual([lean]);
    return;
  }
  expect(lean).toEqual(rhea);
  expect(lean.performative?.constructor).toBe(rhea.performative?.constructor);
  expect(JSON.stringify(lean.performative)).toBe(JSON.stringify(rhea.performative));
  expect(Object.keys(lean)).toEqual(Object.keys(rhea));
}

it("rhea's transport read, read_frame and Reader.read are the code the copy follows", () => {
  for (const [name, [fn, sha]] of Object.entries(PINNED)) {
    const actual = createHash('sha256').update(String(fn)).digest('hex');
    assume(actual === sha, `${name} is rhea 3.0.5's (sha256 ${actual})`);
  }
});

it("readFrame returns rhea's frame for flow, transfer, disposition, begin, attach, detach and end frames of every shape", () => {
  const frames = [
    rheaFrames.amqp_frame(0, rheaFrames.flow({ incoming_window: 2048, next_outgoing_id: 0, outgoing_window: 4_294_967_295, handle: 1, delivery_count: 7, link_credit: 500 })),
    rheaFrames.amqp_frame(3, rheaFrames.flow({ next_incoming_id: 1, incoming_window: 0, next_outgoing_id: 9, outgoing_window: 100, handle: 70_000, drain: true, echo: true, properties: { a: 1 } })),
    rheaFrames.amqp_frame(1, rheaFrames.transfer({ handle: 0, delivery_id: 0, delivery_tag: Buffer.from([1, 2, 3]), message_format: 0 }), Buffer.from('payload')),
    rheaFrames.amqp_frame(1, rheaFrames.transfer({ handle: 300, delivery_id: 4_000_000, delivery_tag: Buffer.alloc(300, 7), message_format: 0, settled: true, more: true }), Buffer.alloc(5_000, 1)),
    rheaFrames.amqp_frame(2, rheaFrames.transfer({ handle: 2, more: false, aborted: true })),
    rheaFrames.amqp_frame(0, rheaFrames.disposition({ role: true, first: 1, last: 100, settled: true, state: rheaMessage.accepted() })),
    rheaFrames.amqp_frame(0, rheaFrames.disposition({ role: false, first: 0, settled: true, state: rheaMessage.modified({ delivery_failed: true, undeliverable_here: true, message_annotations: { x: 'y' } }) })),
    rheaFrames.amqp_frame(0, rheaFrames.disposition({ role: true, first: 9, state: rheaMessage.rejected({ error: { condition: 'amqp:internal-error', description: 'd' } }) })),
    rheaFrames.amqp_frame(0, rheaFrames.disposition({ role: true, first: 3 })),
    rheaFrames.amqp_frame(0, rheaFrames.attach({ name: 'n', handle: 0, role: false, source: { address: 'q' } })),
    rheaFrames.amqp_frame(2, rheaFrames.attach({
      name: 'all', handle: 1023, role: true, snd_settle_mode: 1, rcv_settle_mode: 0, source: { address: 's', durable: 1, expiry_policy: 'never', dynamic: false, filter: { f: 'x' } },
      target: { address: 't', capabilities: ['c'] }, unsettled: { a: 1 }, incomplete_unsettled: false, initial_delivery_count: 0, max_message_size: 262_144, offered_capabilities: 'o', desired_capabilities: ['d', 'e'], properties: { p: 'v' },
    })),
    rheaFrames.amqp_frame(5, rheaFrames.begin({ remote_channel: 5, next_outgoing_id: 0, incoming_window: 2048, outgoing_window: 4_294_967_295, handle_max: 1023, properties: { k: 'v' } })),
    rheaFrames.amqp_frame(0, rheaFrames.begin({ next_outgoing_id: 1, incoming_window: 0, outgoing_window: 0 })),
    rheaFrames.amqp_frame(0, rheaFrames.detach({ handle: 3, closed: true, error: { condition: 'amqp:internal-error', description: 'x' } })),
    rheaFrames.amqp_frame(0, rheaFrames.detach({ handle: 0 })),
    rheaFrames.amqp_frame(1, rheaFrames.end({ error: { condition: 'amqp:internal-error' } })),
    rheaFrames.amqp_frame(0, rheaFrames.end({})),
  ];
  const fallback = jest.spyOn(rheaFrames, 'read_frame');
  // All but an `end` without fields (an empty list, list0): rhea's read.
  for (const frame of frames.slice(0, -1)) readFrame(rheaFrames.write_frame(frame));
  expect(fallback).not.toHaveBeenCalled(); // flow, transfer, disposition, begin, attach, detach and end take the lean path
  fallback.mockRestore();
  for (const frame of frames) expectSameAsRhea(rheaFrames.write_frame(frame));
  // An empty frame (heartbeat) and one with an extended header go to rhea's own reading.
  expectSameAsRhea(Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]));
  const extended = rheaFrames.write_frame(frames[2] as never);
  const withExtension = Buffer.concat([extended.subarray(0, 8), Buffer.alloc(4), extended.subarray(8)]);
  withExtension.writeUInt32BE(withExtension.length, 0);
  withExtension[4] = 3;
  expectSameAsRhea(withExtension);
});

it('transfers of the usual encodings are read as lean transfers with the values of rhea\'s accessors; others as rhea\'s composite', () => {
  /** A transfer frame with a hand-made field list (list8) and a payload. */
  const transfer = (fields: number[], count: number): Buffer => {
    const bytes = Buffer.from([0, 0, 0, 0, 2, 0, 0, 3, 0x00, 0x53, 0x14, 0xc0, fields.length + 1, count, ...fields, 0x61, 0x62]);
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  };
  const lean = [
    // handle uint0, delivery-id smalluint, tag vbin8, format uint0, settled false, more false (what rhea senders write)
    transfer([0x43, 0x52, 9, 0xa0, 2, 1, 2, 0x43, 0x42, 0x42], 6),
    // uint (4 bytes), vbin32, nulls, rcv-settle-mode ubyte, state null, resume/aborted/batchable booleans
    transfer([0x70, 0, 1, 0, 0, 0x70, 0xff, 0xff, 0xff, 0xff, 0xb0, 0, 0, 0, 1, 7, 0x40, 0x41, 0x41, 0x50, 1, 0x40, 0x42, 0x41, 0x42], 11),
    // only the handle; every other field absent
    transfer([0x52, 4], 1),
  ];
  for (const bytes of lean) {
    expect(readFrame(bytes).performative).toBeInstanceOf(IncomingTransferPerformative);
    expectSameAsRhea(bytes);
  }
  const composite = [
    transfer([0x43, 0x52, 9, 0xa0, 1, 1, 0x43, 0x40, 0x40, 0x40, 0x00, 0x53, 0x24, 0x45], 8), // a delivery state
    transfer([0x53, 1], 1), // handle as smallulong
    transfer([0x43, 0x52, 9, 0xa0, 1, 1, 0x43, 0x56, 1], 5), // settled as boolean with a byte
    transfer([0x43, 0x52, 9, 0xa1, 1, 0x61], 3), // tag as a string
    transfer([0x43, 0x43, 0x43, 0x43, 0x42, 0x42, 0x40, 0x40, 0x42, 0x42, 0x42, 0x40], 12), // more fields than a transfer has
  ];
  for (const bytes of composite) {
    expect(readFrame(bytes).performative).not.toBeInstanceOf(IncomingTransferPerformative);
    expectSameAsRhea(bytes);
  }
});

it('readFrame reads a list32 performative as rhea does, and throws where rhea throws', () => {
  // transfer: descriptor 0x00 0x53 0x14, list32 of 3 fields (handle uint0, delivery-id smalluint 5, tag vbin8 "a").
  const body = Buffer.from([0x00, 0x53, 0x14, 0xd0, 0, 0, 0, 9, 0, 0, 0, 3, 0x43, 0x52, 5, 0xa0, 1, 0x61]);
  const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, 2, 0, 0, 4]), body, Buffer.from('pp')]);
  bytes.writeUInt32BE(bytes.length, 0);
  expectSameAsRhea(bytes);
  // transfer with a described state (accepted), list8: rhea's frames.transfer cannot write one.
  const stated = Buffer.from([0, 0, 0, 0, 2, 0, 0, 1, 0x00, 0x53, 0x14, 0xc0, 15, 8, 0x43, 0x52, 5, 0xa0, 1, 0x74, 0x43, 0x42, 0x42, 0x40, 0x00, 0x53, 0x24, 0x45, 0x78]);
  stated.writeUInt32BE(stated.length, 0);
  expectSameAsRhea(stated);
  // Truncated field list: both throw the same error.
  const truncated = Buffer.from(bytes.subarray(0, 8 + 14));
  truncated.writeUInt32BE(truncated.length, 0);
  expect(() => readFrame(truncated)).toThrow();
  expect(() => rheaFrames.read_frame(truncated)).toThrow();
  // An unknown typecode in the fields: rhea's error.
  const unknown = Buffer.from(bytes);
  unknown[8 + 12] = 0x01;
  let rheaError: unknown;
  try {
    rheaFrames.read_frame(unknown);
  } catch (error: unknown) {
    rheaError = error;
  }
  expect(rheaError).toBeDefined();
  expect(() => readFrame(unknown)).toThrow((rheaError as Error).message);
});

let pair: RheaPair;
afterEach(() => pair?.close());

it("a connection's amqp_transport reads frames in read(buffer) (an instance member); the patched read dispatches what rhea's would", async () => {
  pair = await rheaPair();
  const connection = pair.client as Connection;
  const transport = amqpTransport(connection);
  assume(typeof transport.read === 'function' && transport.frame_type === 0 && transport.handler === connection, 'connection.amqp_transport has read(buffer), frame_type 0 and the connection as handler');
  assume(Boolean(transport.header_received) && transport.read_complete === false, 'amqp_transport.header_received is set once the header arrived; read_complete is false while open');
  leanReadFrames(connection);
  const patched = transport.read;
  const kinds = new Set<string>();
  let compared = 0;
  transport.read = function (this: typeof transport, buffer: Buffer): number {
    for (let offset = 0; offset + 4 <= buffer.length; ) {
      const size = buffer.readUInt32BE(offset);
      if (offset + size > buffer.length) break;
      const bytes = buffer.subarray(offset, offset + size);
      expectSameAsRhea(bytes);
      compared++;
      kinds.add(String((rheaFrames.read_frame(bytes).performative?.constructor as { toString(): string } | undefined) ?? 'empty'));
      offset += size;
    }
    return patched.call(this, buffer);
  };
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const messages: unknown[] = [];
  receiver.on('message', (context: EventContext) => {
    messages.push(context.message?.body);
    context.delivery?.accept();
  });
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'x'.repeat(5_000), application_properties: { n: 1 } });
  sender.send({ body: 'small' });
  await within(until(() => messages.length === 2, 'both messages arrive'), 'leanReadFrames', 'messages read through the patched transport arrive');
  expect(messages).toEqual(['x'.repeat(5_000), 'small']);
  const echoed = connection.open_sender({ target: { address: 'q2' } });
  await next(echoed, 'sendable');
  echoed.send({ body: 'to the peer' });
  await next(echoed, 'accepted');
  expect(compared).toBeGreaterThan(0);
  expect([...kinds]).toEqual(expect.arrayContaining(['transfer#14', 'flow#13', 'disposition#15']));
});
