import { types, type Typed } from '../rhea/codec';
import type { FilterValue } from './RuleFilter';

const UUID = 0x98;
const LONG = 0x81;
const ULONG = 0x80;

/**
 * A decoded AMQP value as filters see it (see {@link FilterValue}): strings and symbols as strings, every
 * integer and float as a number (a long beyond ±2^53 as a bigint), timestamps as Date, uuids as their
 * text form. Binary, lists, maps, null → `undefined` (SQL NULL).
 */
export function toFilterValue(typed: Typed | null | undefined): FilterValue | undefined {
  if (typed === null || typed === undefined) return undefined;
  const value = typed.value as unknown;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    default:
      break;
  }
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) {
    const code = typed.type?.typecode;
    if (code === UUID && value.length === 16) return uuidText(value);
    if (code === LONG && value.length === 8) return value.readBigInt64BE(0);
    if (code === ULONG && value.length === 8) return value.readBigUInt64BE(0);
  }
  return undefined;
}

/**
 * A filter value as an AMQP value for an application property or a message property: string, boolean,
 * long (integral numbers and bigints), double (other numbers), timestamp (Date).
 */
export function fromFilterValue(value: FilterValue): Typed {
  if (typeof value === 'string') return types.wrap_string(value);
  if (typeof value === 'boolean') return types.wrap_boolean(value);
  if (typeof value === 'bigint') {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE(BigInt.asIntN(64, value));
    return types.wrap_long(bytes as unknown as number);
  }
  if (value instanceof Date) return types.wrap_timestamp(value.getTime());
  return Number.isSafeInteger(value) ? types.wrap_long(value) : types.wrap_double(value);
}

/** Equality of two filter values as correlation filters compare them (numbers of any width compare by value). */
export function sameFilterValue(a: FilterValue | undefined, b: FilterValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const numeric = (x: FilterValue): boolean => typeof x === 'number' || typeof x === 'bigint';
  if (numeric(a) && numeric(b)) {
    // eslint-disable-next-line eqeqeq -- number vs bigint by value
    return a == b;
  }
  return a === b;
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
