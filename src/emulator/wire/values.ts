/**
 * Helpers that read decoded AMQP values defensively: a request body comes from the network and may
 * hold anything.
 */

const TWO_POW_32 = 0x1_0000_0000;

/** A `long` as rhea decodes it (a number, or an 8-byte big-endian Buffer beyond 2^53) as a number. */
export function longToNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (Buffer.isBuffer(value) && value.length === 8) return value.readInt32BE(0) * TWO_POW_32 + value.readUInt32BE(4);
  return undefined;
}

/** A timestamp as rhea decodes it (Date) or a plain ms number, as Unix ms. */
export function timestampToMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  return longToNumber(value);
}

/** The value as a plain object with string keys (a decoded AMQP map), or `undefined`. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return undefined;
  return value as Record<string, unknown>;
}

/** The value as an array (a decoded AMQP list or array), or `undefined`. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The value if it is a string, else `undefined`. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
