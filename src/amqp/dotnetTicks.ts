/** .NET ticks (100 ns) at the Unix epoch: `DateTime(1970-01-01).Ticks`. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

/**
 * Converts `com.microsoft:locked-until-utc` (an AMQP `long` of .NET ticks, which rhea decodes as an
 * 8-byte big-endian Buffer above 2^53, else as a number) to a Date. `undefined` for anything else.
 */
export function ticksToDate(value: unknown): Date | undefined {
  let ticks: bigint;
  if (Buffer.isBuffer(value) && value.length === 8) ticks = value.readBigInt64BE(0);
  else if (typeof value === 'number' && Number.isFinite(value)) ticks = BigInt(Math.trunc(value));
  else if (typeof value === 'bigint') ticks = value;
  else return undefined;
  return new Date(Number((ticks - EPOCH_TICKS) / 10_000n));
}
