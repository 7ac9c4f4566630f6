/** What the guard decided about the bytes seen so far. */
export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly reply?: Buffer };

/** Frame size limits the guard enforces. */
export interface FrameLimits {
  /** Largest SASL frame, and largest AMQP frame before the connection is open (the first AMQP frame). */
  readonly beforeOpen: number;
  /** Largest AMQP frame once open: the `max-frame-size` the broker advertises. */
  readonly afterOpen: number;
}

const OK: GuardVerdict = { ok: true };
const MAGIC = Buffer.from('AMQP', 'latin1');
const AMQP_PROTOCOL = 0;
const SASL_PROTOCOL = 3;

/**
 * Watches the raw byte stream of one client connection (protocol headers and frame sizes only, no
 * decoding, no buffering) and tells when to hang up before rhea sees the bytes: a protocol header
 * that is not AMQP 1.0 (answered with the broker's own header, as AMQP 1.0 section 2.2 requires), a
 * frame shorter than its own header, or a frame larger than allowed (rhea would otherwise buffer a
 * frame of any announced size, up to 4 GiB).
 */
export class FrameGuard {
  private phase: 'header' | 'size' | 'body' = 'header';
  private layer: 'sasl' | 'amqp' = 'amqp';
  private readonly pending = Buffer.alloc(8);
  private pendingLength = 0;
  private bodyRemaining = 0;
  private amqpFrames = 0;
  private verdict: GuardVerdict = OK;

  constructor(private readonly limits: FrameLimits) {}

  /** Inspects the next chunk of the stream. Once a chunk failed, every later one fails too. */
  inspect(chunk: Buffer): GuardVerdict {
    let at = 0;
    while (this.verdict.ok && at < chunk.length) {
      if (this.phase === 'body') {
        const skip = Math.min(this.bodyRemaining, chunk.length - at);
        at += skip;
        this.bodyRemaining -= skip;
        if (this.bodyRemaining === 0) this.phase = 'size';
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
      this.verdict = { ok: false, reason: `A frame of ${size} bytes is shorter than a frame header.` };
    } else if (size > limit) {
      this.verdict = { ok: false, reason: `A frame of ${size} bytes exceeds the limit of ${limit} bytes.` };
    } else {
      if (this.layer === 'amqp') this.amqpFrames++;
      this.bodyRemaining = size - 4;
      this.phase = 'body';
    }
  }
}
