import { randomBytes } from 'node:crypto';

const MAX_UINT32_PLUS_ONE = 0x1_0000_0000;

/**
 * Lock tokens: a random per-broker 8-byte prefix plus a counter, so minting one costs no crypto.
 * A token is identified inside the broker by its counter (`key`). On the wire it appears as
 *
 * - a delivery tag in .NET `Guid.ToByteArray()` order (bytes 0-3, 4-5, 6-7 reversed; gotcha G4), and
 * - an AMQP `uuid` in RFC order in management requests and replies.
 */
export class LockTokens {
  private readonly rfcPrefix: Buffer;
  private readonly dotnetPrefix: Buffer;
  private counter = 0;

  constructor(prefix: Buffer = randomBytes(8)) {
    this.rfcPrefix = Buffer.from(prefix.subarray(0, 8));
    const p = this.rfcPrefix;
    this.dotnetPrefix = Buffer.from([p[3] ?? 0, p[2] ?? 0, p[1] ?? 0, p[0] ?? 0, p[5] ?? 0, p[4] ?? 0, p[7] ?? 0, p[6] ?? 0]);
  }

  /** A fresh token key. */
  next(): number {
    return ++this.counter;
  }

  /** The 16-byte delivery tag of a token (dotnet byte order). */
  tag(key: number): Buffer {
    const tag = Buffer.allocUnsafe(16);
    tag.set(this.dotnetPrefix, 0);
    writeCounter(tag, key);
    return tag;
  }

  /** The token as an RFC-order uuid (for management bodies). */
  uuid(key: number): Buffer {
    const uuid = Buffer.allocUnsafe(16);
    this.rfcPrefix.copy(uuid, 0);
    writeCounter(uuid, key);
    return uuid;
  }

  /** The key of an RFC-order uuid minted by this broker, or `undefined` for any other value. */
  keyOf(uuid: unknown): number | undefined {
    if (!Buffer.isBuffer(uuid) || uuid.length !== 16 || uuid.compare(this.rfcPrefix, 0, 8, 0, 8) !== 0) return undefined;
    const key = uuid.readUInt32BE(8) * MAX_UINT32_PLUS_ONE + uuid.readUInt32BE(12);
    return key > 0 && key <= this.counter ? key : undefined;
  }
}

function writeCounter(target: Buffer, key: number): void {
  target.writeUInt32BE(Math.floor(key / MAX_UINT32_PLUS_ONE), 8);
  target.writeUInt32BE(key % MAX_UINT32_PLUS_ONE, 12);
}
