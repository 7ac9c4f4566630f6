/**
 * What the fuzzer sends: each case is a list of chunks for one fresh connection, built from a seeded
 * PRNG. Kinds: random frames, mutated captures of a well-formed client session, structural bombs
 * (counts, depth, sizes) and protocol abuse (ranges, handles, channels, credit, windows, sequence errors).
 */
import { message as rheaMessage, types } from 'rhea';
import { AMQP_HEADER, SASL_HEADER, amqpFrame, attachFrame, rawFrame } from '../emulator/hostileWire';
import type { Prng } from './prng';

export type CaseKind = 'random' | 'mutated' | 'bomb' | 'abuse';

export interface FuzzCase {
  readonly kind: CaseKind;
  /** Chunks written in order on one connection. */
  readonly chunks: readonly Buffer[];
  /** Frames in the case (for the count; random bytes count as one frame per frame header written). */
  readonly frames: number;
}

const encode = (rheaMessage as unknown as { encode(m: object): Buffer }).encode;
const begin = (channel = 0) => amqpFrame('begin', { next_outgoing_id: 0, incoming_window: 2048, outgoing_window: 2048 }, channel);
const open = () => amqpFrame('open', { container_id: 'fuzz', hostname: 'localhost', max_frame_size: 65_536, channel_max: 100 });

/** A well-formed client session (what an SDK sends), as separate frames: the material mutations start from. */
export function capture(port: number, random: Prng): Buffer[] {
  const audience = `sb://localhost:${port}/queue.1`;
  const putToken = encode({
    message_id: 'fuzz-1',
    reply_to: 'cbs-reply',
    application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
    body: 'SharedAccessSignature sr=x&sig=y&se=1&skn=z',
  });
  const message = encode({
    message_id: `m-${random.int(1e9)}`,
    application_properties: { n: random.int(1000), s: 'value' },
    message_annotations: { 'x-opt-partition-key': 'k' },
    body: types.wrap_binary(random.bytes(random.int(200))),
  });
  return [
    AMQP_HEADER,
    open(),
    begin(),
    attachFrame('cbs', 0, false, 'cbs-client', '$cbs'),
    attachFrame('cbs-reply', 1, true, '$cbs', 'cbs-reply'),
    amqpFrame('flow', { next_incoming_id: 0, incoming_window: 2048, next_outgoing_id: 0, outgoing_window: 2048, handle: 1, delivery_count: 0, link_credit: 10 }),
    amqpFrame('transfer', { handle: 0, delivery_id: 0, delivery_tag: Buffer.from([0]), message_format: 0, settled: false }, 0, putToken),
    attachFrame('send', 2, false, 'sender', 'queue.1'),
    amqpFrame('transfer', { handle: 2, delivery_id: 1, delivery_tag: Buffer.from([1]), message_format: 0, settled: false }, 0, message),
    attachFrame('recv', 3, true, 'queue.1', 'receiver'),
    amqpFrame('flow', { next_incoming_id: 0, incoming_window: 2048, next_outgoing_id: 2, outgoing_window: 2048, handle: 3, delivery_count: 0, link_credit: 5, drain: random.int(2) === 1 }),
    amqpFrame('disposition', { role: true, first: 0, last: 3, settled: true }),
    amqpFrame('detach', { handle: 2, closed: true }),
    amqpFrame('end', {}),
    amqpFrame('close', {}),
  ];
}

function mutate(frame: Buffer, random: Prng): Buffer {
  const copy = Buffer.from(frame);
  switch (random.int(6)) {
    case 0: // flip bytes
      for (let i = 0, n = 1 + random.int(4); i < n && copy.length > 0; i++) copy[random.int(copy.length)] = random.int(256);
      return copy;
    case 1: // truncate the body (the size field keeps the old length unless rewritten)
      return copy.subarray(0, random.int(copy.length + 1));
    case 2: // truncate and fix the size field: a complete but short frame
      if (copy.length > 9) {
        const cut = copy.subarray(0, 8 + random.int(copy.length - 8));
        cut.writeUInt32BE(cut.length, 0);
        return cut;
      }
      return copy;
    case 3: // a count or size byte set to an extreme
      if (copy.length > 10) copy[8 + random.int(copy.length - 8)] = random.pick([0x00, 0x7f, 0x80, 0xff]);
      return copy;
    case 4: // random bytes inserted
      return Buffer.concat([copy.subarray(0, 8), random.bytes(random.int(16)), copy.subarray(8)]);
    default: // frame duplicated
      return Buffer.concat([copy, copy]);
  }
}

/** A structural bomb: counts that do not fit, deep nesting, long descriptor chains, large maps. */
function bomb(random: Prng): Buffer {
  const countBomb = Buffer.from([0xf0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, random.pick([0x40, 0x41, 0x42, 0x43, 0x44, 0x45])]);
  switch (random.int(6)) {
    case 0:
      return countBomb;
    case 1: {
      // nested lists
      const depth = 50 + random.int(5000);
      return Buffer.concat([Buffer.alloc(depth * 3).fill(Buffer.from([0xc0, 0x01, 0x01])), Buffer.from([0x40])]);
    }
    case 2: // descriptor chain
      return Buffer.concat([Buffer.alloc(2 * (50 + random.int(5000))).fill(Buffer.from([0x00, 0x40])), Buffer.from([0x40])]);
    case 3: {
      // a list32 announcing more elements than bytes
      const list = Buffer.from([0xd0, 0, 0, 0, 8, 0x7f, 0xff, 0xff, 0xff, 0x40, 0x40, 0x40, 0x40]);
      return list;
    }
    case 4: {
      // a map of many small entries (valid, bounded by the element cap)
      const n = 2 * (1000 + random.int(20_000));
      const body = Buffer.alloc(n).fill(0x40);
      const head = Buffer.alloc(9);
      head[0] = 0xd1;
      head.writeUInt32BE(body.length + 4, 1);
      head.writeUInt32BE(n, 5);
      return Buffer.concat([head, body]);
    }
    default: // a binary announcing 4 GiB
      return Buffer.from([0xb0, 0xff, 0xff, 0xff, 0xff, 0x61, 0x62]);
  }
}

/** A performative (described list) whose first field is `value`. */
function performativeWith(code: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(value.length + 4, 0);
  head.writeUInt32BE(1, 4);
  return Buffer.concat([Buffer.from([0x00, 0x53, code, 0xd0]), head, value]);
}

/** Protocol abuse on an open connection. */
function abuse(random: Prng, port: number): Buffer[] {
  const start = [AMQP_HEADER, open(), begin()];
  switch (random.int(10)) {
    case 0:
      return [...start, amqpFrame('disposition', { role: random.int(2) === 1, first: random.int(10), last: 0xffffffff, settled: true })];
    case 1:
      return [...start, attachFrame('h', 0xffffffff - random.int(10), false, 'x', '$cbs')];
    case 2:
      return [...start, ...Array.from({ length: 200 + random.int(2000) }, (_, i) => attachFrame(`l${i}`, i, random.int(2) === 1, '$cbs', '$cbs'))];
    case 3:
      return [...start, ...Array.from({ length: 100 + random.int(1000) }, (_, i) => begin(i + 1))];
    case 4:
      return [...start, attachFrame('r', 0, true, '$cbs', 'x'), amqpFrame('flow', { next_incoming_id: 0, incoming_window: 0xffffffff, next_outgoing_id: 0, outgoing_window: 0xffffffff, handle: 0, delivery_count: 0, link_credit: 0xffffffff })];
    case 5: // transfers with wrong ids / unknown handles
      return [...start, attachFrame('s', 0, false, 'x', '$cbs'), amqpFrame('transfer', { handle: random.int(3), delivery_id: random.int(1e6), delivery_tag: Buffer.from([1]), message_format: 0 }, 0, random.bytes(random.int(64)))];
    case 6: // frames on channels never begun
      return [...start, amqpFrame('attach', { name: 'x', handle: 0, role: false }, 1 + random.int(60_000))];
    case 7: // the same session begun twice, a second open, close twice
      return [...start, begin(0), open(), amqpFrame('close', {}), amqpFrame('close', {})];
    case 8: // beyond the session window: many unsettled transfers
      return [
        ...start,
        attachFrame('s', 0, false, 'x', '$cbs'),
        ...Array.from({ length: 2100 }, (_, i) => amqpFrame('transfer', { handle: 0, delivery_id: i, delivery_tag: Buffer.from([i & 0xff]), message_format: 0 }, 0, Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x00]))),
      ];
    default: // SASL: init with a bomb for the mechanism, or a SASL frame in the AMQP layer
      return random.int(2) === 0 ? [SASL_HEADER, rawFrame(performativeWith(0x41, bomb(random)), 1)] : [...start, rawFrame(performativeWith(0x41, Buffer.from([0xa3, 0x01, 0x78])), 1)];
  }
  void port;
}

/** Builds case `index` of kind chosen by `random`. */
export function fuzzCase(random: Prng, port: number): FuzzCase {
  const kind = random.pick<CaseKind>(['random', 'random', 'mutated', 'mutated', 'mutated', 'bomb', 'abuse']);
  if (kind === 'random') {
    // Valid header, then frames with random bodies (valid sizes), or plain random bytes.
    const frames = 1 + random.int(40);
    const header = random.pick([AMQP_HEADER, SASL_HEADER, random.bytes(8)]);
    const type = header === SASL_HEADER ? 1 : 0;
    const chunks = [header, ...Array.from({ length: frames }, () => (random.int(4) === 0 ? random.bytes(1 + random.int(64)) : rawFrame(random.bytes(random.int(256)), type, random.int(4))))];
    return { kind, chunks, frames };
  }
  if (kind === 'mutated') {
    const frames = capture(port, random);
    const mutated = frames.map((frame, i) => (i > 0 && random.int(3) === 0 ? mutate(frame, random) : frame));
    if (random.int(4) === 0) mutated.splice(1 + random.int(mutated.length - 1), 1); // a frame left out
    return { kind, chunks: mutated, frames: mutated.length - 1 };
  }
  if (kind === 'bomb') {
    const where = random.int(4);
    const value = bomb(random);
    if (where === 0) return { kind, chunks: [SASL_HEADER, rawFrame(performativeWith(0x41, value), 1)], frames: 1 };
    if (where === 1) return { kind, chunks: [AMQP_HEADER, rawFrame(performativeWith(0x10, value))], frames: 1 };
    const session = [AMQP_HEADER, open(), begin(), attachFrame('s', 0, false, 'x', where === 2 ? '$cbs' : 'queue.1/$management')];
    // The bomb inside a message's application-properties (sent to $cbs or $management, no token needed to reach them).
    const payload = Buffer.concat([Buffer.from([0x00, 0x53, 0x74, 0xc1, value.length + 4, 0x02, 0xa1, 0x01, 0x78]), value]);
    const ok = value.length + 4 < 256;
    const transfer = amqpFrame('transfer', { handle: 0, delivery_id: 0, delivery_tag: Buffer.from([0]), message_format: 0 }, 0, ok ? payload : Buffer.concat([Buffer.from([0x00, 0x53, 0x77]), value]));
    return { kind, chunks: [...session, transfer], frames: 4 };
  }
  const chunks = abuse(random, port);
  return { kind, chunks, frames: chunks.length - 1 };
}
