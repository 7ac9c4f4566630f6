import { types, type Typed } from '../rhea/codec';

/** .NET ticks (100 ns since 0001-01-01T00:00:00Z) at the Unix epoch. */
const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000n;

/**
 * A Unix-ms instant as an AMQP `long` of .NET ticks, the encoding of `com.microsoft:locked-until-utc`
 * (gotcha G3: a timestamp, or a long of milliseconds, silently reads as year 1 in the SDK).
 */
export function ticksLong(unixMs: number): Typed {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigInt64BE(BigInt(Math.trunc(unixMs)) * 10_000n + TICKS_AT_UNIX_EPOCH);
  return types.wrap_long(bytes);
}
