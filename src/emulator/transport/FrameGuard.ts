import { BoundedReader, type DecodeLimits } from '../rhea/BoundedReader';
import { scanBounded } from '../rhea/scanBounded';

/** What the guard decided about the bytes seen so far. */
export type GuardVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly reply?: Buffer; readonly condition?: string };

/** Frame limits the guard enforces. */
export interface FrameLimits {
  /** Largest SASL frame, and largest AMQP frame before the connection is open (the first AMQP frame). */
  readonly beforeOpen: number;
  /** Largest AMQP frame once open: the `max-frame-size` the broker advertises. */
  readonly afterOpen: number;
  /** Highest channel number a frame may use (the `channel-max` the broker advertises). Default: any. */
  readonly channelMax?: number;
  /** When given, each frame's performative is decoded with these bounds before rhea sees it. */
  readonly decode?: DecodeLimits;
}

/** How far the client got in the handshake (for the handshake timeouts). */
export type HandshakeStage = 'protocol-header' | 'sasl' | 'open' | 'done';

const OK: GuardVerdict = { ok: true };
const MAGIC = Buffer.from('AMQP', 'latin1');
const AMQP_PROTOCOL = 0;
const SASL_PROTOCOL = 3;
const AMQP_FRAME = 0;
const SASL_FRAME = 1;
const DECODE_ERROR = 'amqp:decode-error';
const FRAMING_ERROR = 'amqp:connection:framing-error';

/**
 * Watches the raw byte stream of one client connection and tells when to hang up before rhea sees the
 * bytes: a protocol header that is not AMQP 1.0 (answered with the broker's own header, as AMQP 1.0
 * section 2.2 requires), a frame shorter than its own header or larger than allowed (rhea would
 * otherwise buffer a frame of any announced size, up to 4 GiB), a frame of the wrong type, on a
 * channel above `channel-max`, or (with `decode` limits) whose performative is not a bounded AMQP
 * value (rhea's decoder trusts counts: a 26-byte frame can make it allocate until the heap runs out).
 * The bytes are not modified; a frame split across chunks is copied until complete (at most one frame,
 * at most the frame limit).
 */
export class FrameGuard {
  private phase: 'header' | 'size' | 'body' = 'header';
  private layer: 'sasl' | 'amqp' = 'amqp';
  private readonly pending = Buffer.alloc(8);
  private pendingLength = 0;
  /** Copies of the parts of the frame being received, when it did not arrive in one chunk. */
  private parts: Buffer[] = [];
  private frameLength = 0;
  private frameSize = 0;
  private amqpFrames = 0;
  private headers = 0;
  private verdict: GuardVerdict = OK;
  /** The head of the frame being received was checked: its remaining bytes are let through uncopied. */
  private vouched = false;

  constructor(private readonly limits: FrameLimits) {}

  /** How far the handshake got: waiting for the protocol header, inside SASL, waiting for open, or done. */
  get stage(): HandshakeStage {
    if (this.amqpFrames > 0) return 'done';
    if (this.headers === 0) return 'protocol-header';
    return this.layer === 'sasl' ? 'sasl' : 'open';
  }

  /** Inspects the next chunk of the stream. Once a chunk failed, every later one fails too. */
  inspect(chunk: Buffer): GuardVerdict {
    let at = 0;
    while (this.verdict.ok && at < chunk.length) {
      if (this.phase === 'body') {
        at = this.body(chunk, at);
        continue;
      }
      const wanted = this.phase === 'header' ? 8 : 4;
      const take = Math.min(wanted - this.pendingLength, chunk.length - at);
      chunk.copy(this.pending, this.pendingLength, at, at + take);
      this.pendingLength += take;
      at += take;
      if (this.pendingLength < wanted) break;
      if (this.phase === 'header') this.onHeader();
      else this.onSize();
    }
    return this.verdict;
  }

  /** Consumes bytes of the current frame (after its size field) from `chunk` at `at`; returns the new position. */
  private body(chunk: Buffer, at: number): number {
    const missing = this.frameSize - 4 - this.frameLength;
    if (this.frameLength === 0 && chunk.length - at >= missing) {
      // The whole frame is in this chunk: check it in place (no view of it made).
      this.done();
      this.checkFrame(chunk, at, at + missing, false);
      return at + missing;
    }
    const take = Math.min(missing, chunk.length - at);
    this.frameLength += take;
    const complete = this.frameLength === this.frameSize - 4;
    if (this.vouched) {
      // Its head was checked: the rest (a transfer's payload) is rhea's to buffer, not copied here too.
      if (complete) this.done();
      return at + take;
    }
    // Only what arrived is kept (a frame announced as 1 MiB that never comes costs its bytes, not 1 MiB).
    this.parts.push(Buffer.from(chunk.subarray(at, at + take)));
    if (complete) {
      const frame = Buffer.concat(this.parts, this.frameLength);
      this.parts = [];
      this.done();
      this.checkFrame(frame, 0, frame.length, false);
    } else if (this.parts.length === 1 && this.checkFrame(this.parts[0] as Buffer, 0, (this.parts[0] as Buffer).length, true)) {
      // The first part already holds a bounded performative (the usual case for a large transfer).
      this.vouched = true;
      this.parts = [];
    }
    return at + take;
  }

  private done(): void {
    this.phase = 'size';
    this.frameLength = 0;
    this.vouched = false;
  }

  private onHeader(): void {
    const header = this.pending;
    this.pendingLength = 0;
    if (header.compare(MAGIC, 0, 4, 0, 4) !== 0) {
      this.verdict = { ok: false, reason: 'The client did not send an AMQP protocol header.' };
      return;
    }
    const protocol = header[4];
    if ((protocol !== AMQP_PROTOCOL && protocol !== SASL_PROTOCOL) || header[5] !== 1 || header[6] !== 0 || header[7] !== 0) {
      const supported = protocol === SASL_PROTOCOL ? SASL_PROTOCOL : AMQP_PROTOCOL;
      this.verdict = {
        ok: false,
        reason: `Unsupported protocol header AMQP ${[...header.subarray(4, 8)].join('.')}.`,
        reply: Buffer.concat([MAGIC, Buffer.from([supported, 1, 0, 0])]),
      };
      return;
    }
    if (this.headers > 0 && (this.layer === 'amqp' || protocol === SASL_PROTOCOL)) {
      this.verdict = { ok: false, reason: 'A protocol header was sent twice.' };
      return;
    }
    this.headers++;
    this.layer = protocol === SASL_PROTOCOL ? 'sasl' : 'amqp';
    this.phase = 'size';
  }

  private onSize(): void {
    if (this.layer === 'sasl' && this.pending.compare(MAGIC, 0, 4, 0, 4) === 0) {
      // After the SASL outcome the client starts the AMQP layer with a new protocol header.
      this.phase = 'header';
      return;
    }
    this.pendingLength = 0;
    const size = this.pending.readUInt32BE(0);
    const limit = this.layer === 'amqp' && this.amqpFrames > 0 ? this.limits.afterOpen : this.limits.beforeOpen;
    if (size < 8) {
      this.verdict = { ok: false, reason: `A frame of ${size} bytes is shorter than a frame header.`, condition: FRAMING_ERROR };
    } else if (size > limit) {
      this.verdict = { ok: false, reason: `A frame of ${size} bytes exceeds the limit of ${limit} bytes.`, condition: FRAMING_ERROR };
    } else {
      if (this.layer === 'amqp') this.amqpFrames++;
      this.frameSize = size;
      this.frameLength = 0;
      this.phase = 'body';
    }
  }

  /**
   * Checks one frame, given without its 4-byte size field, as the bytes of `buffer` from `start` to `end`;
   * with `partial`, only the frame's first bytes (the rest still to come): then true when they hold a
   * performative the guard vouches for, and false when it cannot tell yet (a bad data offset, type or
   * channel is a verdict either way).
   */
  private checkFrame(buffer: Buffer, start: number, end: number, partial: boolean): boolean {
    if (end - start < 4) return false;
    const doff = buffer[start] as number;
    const type = buffer[start + 1] as number;
    const expected = this.layer === 'sasl' ? SASL_FRAME : AMQP_FRAME;
    if (doff < 2 || doff * 4 > this.frameSize) {
      this.verdict = { ok: false, reason: `A frame has an invalid data offset (${doff}).`, condition: FRAMING_ERROR };
      return false;
    }
    if (type !== expected) {
      this.verdict = { ok: false, reason: `A frame of type ${type} arrived on the ${this.layer.toUpperCase()} layer.`, condition: FRAMING_ERROR };
      return false;
    }
    const channel = buffer.readUInt16BE(start + 2);
    if (this.layer === 'amqp' && this.limits.channelMax !== undefined && channel > this.limits.channelMax) {
      this.verdict = { ok: false, reason: `A frame uses channel ${channel}, above channel-max ${this.limits.channelMax}.`, condition: 'amqp:resource-limit-exceeded' };
      return false;
    }
    const decode = this.limits.decode;
    if (decode === undefined || doff * 4 === this.frameSize) return true;
    const bodyStart = start + doff * 4 - 4;
    if (end < bodyStart) return false;
    // Most frames pass the allocation-free scan; the full bounded decode runs only for the rest.
    if (scanBounded(buffer, decode, bodyStart, end)) return true;
    if (partial) return false;
    try {
      new BoundedReader(buffer.subarray(bodyStart, end), decode).read();
    } catch (error: unknown) {
      this.verdict = { ok: false, reason: `A frame could not be decoded: ${(error as Error).message}`, condition: DECODE_ERROR };
    }
    return this.verdict.ok;
  }
}
