import { createHash } from 'node:crypto';
import type { EventContext } from 'rhea';
import { readPlainTransfers } from '../../src/amqp/rhea';
import { PlainTransferPerformative, readTransfer } from '../../src/amqp/rhea/readPlainTransfers';
import { Prng } from '../fuzz/prng';
import { assume, next, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'readPlainTransfers';

interface Frame {
  size: number;
  type: number;
  channel: number;
  performative?: { dispatch(handler: unknown, frame: Frame): void };
  payload?: Buffer;
}
const rheaTransport = require('rhea/lib/transport.js') as { prototype: { read: unknown } };
const rheaFrames = require('rhea/lib/frames.js') as {
  read_frame(buffer: Buffer): Frame;
  write_frame(frame: object): Buffer;
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): object;
  flow(fields: object): unknown;
  transfer(fields: object): unknown;
  disposition(fields: object): unknown;
};

/** sha256 of rhea 3.0.5's `Transport.prototype.read` (the helper's copy follows it) and `frames.read_frame` (what readTransfer stands in for). */
const PINNED: Record<string, [unknown, string]> = {
  'Transport.prototype.read': [rheaTransport.prototype.read, 'a661fb1868e08943b081955cfab62b3729929acbec3f57e88084403b90970e43'],
  'frames.read_frame': [rheaFrames.read_frame, '5aed2ade576aa5c1f5bfa79a190ebd00cf1a2981cb711d006dcb8b39914a1465'],
};

/** The fields rhea's transfer composite defines (its accessors). */
const TRANSFER_FIELDS = Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(rheaFrames.transfer({})) as object))
  .filter(([, d]) => d.get !== undefined)
  .map(([name]) => name);

/** readTransfer gives rhea's frame with a plain performative holding what rhea's accessors return, or nothing (rhea reads the frame). */
function expectSameAsRhea(bytes: Buffer): boolean {
  const plain = readTransfer(bytes);
  if (plain === undefined) return false;
  const rhea = rheaFrames.read_frame(bytes);
  const [ours, theirs] = [plain.performative as unknown as Record<string, unknown>, rhea.performative as unknown as Record<string, unknown>];
  expect(String(rhea.performative?.constructor)).toBe('transfer#14');
  expect(String(plain.performative?.constructor)).toBe('transfer#14');
  for (const field of TRANSFER_FIELDS) expect([field, ours[field]]).toStrictEqual([field, theirs[field]]);
  expect(Object.keys(ours).sort()).toEqual([...TRANSFER_FIELDS].sort());
  expect({ ...plain, performative: undefined }).toEqual({ ...rhea, performative: undefined });
  expect(Object.keys(plain)).toEqual(Object.keys(rhea));
  const handled: unknown[] = [];
  plain.performative!.dispatch({ on_transfer: (frame: unknown) => handled.push(frame) }, plain);
  expect(handled).toEqual([plain]);
  return true;
}

describe(`contract: ${HELPER} (src/amqp/rhea/${HELPER}.ts)`, () => {
  it("rhea's transport read and read_frame are the code the copy follows", () => {
    for (const [name, [fn, sha]] of Object.entries(PINNED)) {
      const actual = createHash('sha256').update(String(fn)).digest('hex');
      assume(actual === sha, HELPER, `${name} is rhea 3.0.5's (sha256 ${actual})`);
    }
    assume(TRANSFER_FIELDS.join(',') === 'handle,delivery_id,delivery_tag,message_format,settled,more,rcv_settle_mode,state,resume,aborted,batchable', HELPER, "rhea's transfer has the eleven fields of AMQP 1.0, in order");
  });

  it('reads the transfers rhea writes as rhea reads them (plain performative); leaves every other frame to rhea', () => {
    const transfers = [
      rheaFrames.amqp_frame(0, rheaFrames.transfer({ handle: 0, delivery_id: 0, delivery_tag: Buffer.from('0'), message_format: 0, settled: true, more: false }), Buffer.from('reply')),
      rheaFrames.amqp_frame(1, rheaFrames.transfer({ handle: 0, delivery_id: 0, delivery_tag: Buffer.from([1, 2, 3]), message_format: 0 }), Buffer.from('payload')),
      rheaFrames.amqp_frame(1, rheaFrames.transfer({ handle: 300, delivery_id: 4_000_000, delivery_tag: Buffer.alloc(300, 7), message_format: 0, settled: true, more: true }), Buffer.alloc(5_000, 1)),
      rheaFrames.amqp_frame(2, rheaFrames.transfer({ handle: 2, more: false, aborted: true })),
    ];
    for (const frame of transfers) expect(expectSameAsRhea(rheaFrames.write_frame(frame))).toBe(true);
    const others = [
      rheaFrames.amqp_frame(0, rheaFrames.flow({ incoming_window: 2048, next_outgoing_id: 0, outgoing_window: 4_294_967_295, handle: 1, delivery_count: 7, link_credit: 500 })),
      rheaFrames.amqp_frame(0, rheaFrames.disposition({ role: true, first: 3 })),
    ];
    for (const frame of others) expect(readTransfer(rheaFrames.write_frame(frame))).toBeUndefined();
    expect(readTransfer(Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]))).toBeUndefined(); // an empty frame (heartbeat)
  });

  it('hostile bytes: every truncation and seeded byte changes of a transfer never throw; what is read plain is what rhea reads', () => {
    const frame = rheaFrames.write_frame(
      rheaFrames.amqp_frame(1, rheaFrames.transfer({ handle: 300, delivery_id: 70_000, delivery_tag: Buffer.from([1, 2, 3]), message_format: 0, settled: true, more: false }), Buffer.from('payload')),
    );
    const variants: Buffer[] = [];
    for (let n = 0; n < frame.length; n++) {
      const cut = Buffer.from(frame.subarray(0, n));
      variants.push(cut);
      if (n >= 4) {
        const sized = Buffer.from(cut);
        sized.writeUInt32BE(n, 0); // a frame that says it is this short
        variants.push(sized);
      }
    }
    const prng = new Prng(10);
    for (let i = 0; i < 3_000; i++) {
      const changed = Buffer.from(frame);
      const changes = 1 + prng.int(3);
      for (let j = 0; j < changes; j++) changed[8 + prng.int(changed.length - 8)] = prng.int(256);
      variants.push(changed);
    }
    let plain = 0;
    for (const bytes of variants) {
      let read: unknown;
      expect(() => (read = readTransfer(bytes))).not.toThrow();
      if (read !== undefined) {
        expect(expectSameAsRhea(bytes)).toBe(true);
        plain++;
      }
    }
    expect(plain).toBeGreaterThan(0); // the changes that keep a transfer readable are read plain, and checked
  });

  it("hand-made transfers: the usual encodings are plain, with the values of rhea's accessors; any other is rhea's", () => {
    const transfer = (fields: number[], count: number): Buffer => {
      const bytes = Buffer.from([0, 0, 0, 0, 2, 0, 0, 3, 0x00, 0x53, 0x14, 0xc0, fields.length + 1, count, ...fields, 0x61, 0x62]);
      bytes.writeUInt32BE(bytes.length, 0);
      return bytes;
    };
    const plain = [
      transfer([0x43, 0x52, 9, 0xa0, 2, 1, 2, 0x43, 0x42, 0x42], 6),
      transfer([0x70, 0, 1, 0, 0, 0x70, 0xff, 0xff, 0xff, 0xff, 0xb0, 0, 0, 0, 1, 7, 0x40, 0x41, 0x41, 0x50, 1, 0x40, 0x42, 0x41, 0x42], 11),
      transfer([0x52, 4], 1),
    ];
    for (const bytes of plain) {
      expect(readTransfer(bytes)?.performative).toBeInstanceOf(PlainTransferPerformative);
      expect(expectSameAsRhea(bytes)).toBe(true);
    }
    const composite = [
      transfer([0x43, 0x52, 9, 0xa0, 1, 1, 0x43, 0x40, 0x40, 0x40, 0x00, 0x53, 0x24, 0x45], 8), // a delivery state
      transfer([0x53, 1], 1), // handle as smallulong
      transfer([0x43, 0x52, 9, 0xa0, 1, 1, 0x43, 0x56, 1], 5), // settled as boolean with a byte
      transfer([0x43, 0x52, 9, 0xa1, 1, 0x61], 3), // tag as a string
      transfer([0x43, 0x43, 0x43, 0x43, 0x42, 0x42, 0x40, 0x40, 0x42, 0x42, 0x42, 0x40], 12), // more fields than a transfer has
    ];
    for (const bytes of composite) expect(readTransfer(bytes)).toBeUndefined();
    // A truncated field list: rhea's reading (which throws).
    const truncated = transfer([0x43, 0x52, 9, 0xa0, 9, 1], 4).subarray(0, 19);
    truncated.writeUInt32BE(truncated.length, 0);
    expect(readTransfer(truncated)).toBeUndefined();
  });

  let pair: RheaPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it("a client connection (after SASL) reads through the patched transport: every transfer as rhea would, messages arrive whole and settle", async () => {
    // 512-byte frames: the peer sends a large message as several transfers (`more`).
    pair = await rheaPair({ clientOptions: () => ({ username: 'anonymous', max_frame_size: 512 }) });
    const connection = pair.client;
    const c = connection as unknown as { amqp_transport: { read(buffer: Buffer): number; frame_type: number; handler: unknown; header_received: unknown }; transport: unknown };
    assume(c.transport !== c.amqp_transport, HELPER, "after SASL, the connection reads through rhea's SASL client, which hands reads to amqp_transport");
    assume(c.amqp_transport.frame_type === 0 && c.amqp_transport.handler === connection && Boolean(c.amqp_transport.header_received), HELPER, 'amqp_transport has frame_type 0, the connection as handler, and the header received');
    readPlainTransfers(connection);
    const patched = c.amqp_transport.read;
    let transfers = 0;
    c.amqp_transport.read = function (this: unknown, buffer: Buffer): number {
      for (let offset = 0; offset + 4 <= buffer.length; ) {
        const size = buffer.readUInt32BE(offset);
        if (offset + size > buffer.length) break;
        if (expectSameAsRhea(buffer.subarray(offset, offset + size))) transfers++;
        offset += size;
      }
      return patched.call(this, buffer);
    };
    const receiver = connection.open_receiver({ source: { address: 'q' }, autoaccept: false });
    await next(receiver, 'receiver_open');
    const sender = await pair.nextSender();
    const messages: unknown[] = [];
    const settled: boolean[] = [];
    receiver.on('message', (context: EventContext) => {
      messages.push(context.message?.body);
      settled.push(Boolean(context.delivery?.remote_settled));
      context.delivery?.accept();
    });
    await until(() => sender.sendable(), 'the peer can send');
    // One message larger than the peer's frames (several transfers, `more`), one small, one pre-settled.
    sender.send({ body: 'x'.repeat(20_000), application_properties: { n: 1 } });
    sender.send({ body: 'small' });
    await within(until(() => messages.length === 2, 'both messages arrive'), HELPER, 'messages read through the patched transport arrive');
    (sender as unknown as { local: { attach: { snd_settle_mode: number } } }).local.attach.snd_settle_mode = 1;
    sender.send({ body: 'pre-settled' });
    await within(until(() => messages.length === 3, 'the third arrives'), HELPER, 'a pre-settled message arrives');
    expect(messages).toEqual(['x'.repeat(20_000), 'small', 'pre-settled']);
    expect(settled).toEqual([false, false, true]);
    expect(transfers).toBeGreaterThan(20_000 / 512);
  });
});
