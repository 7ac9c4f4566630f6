import { types, type Typed } from 'rhea-promise';

/**
 * Reads an AMQP `long`/`ulong` as rhea hands it over: a number when it fits 2^53, else an 8-byte
 * big-endian Buffer. `undefined` for anything else.
 */
export function longToBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return value.readBigInt64BE(0);
  return undefined;
}

/** Wraps a bigint as an AMQP `long` (8-byte two's complement). */
export function wrapLong(value: bigint): Typed {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigInt64BE(value, 0);
  return types.wrap_long(buf);
}
