import { string_to_uuid } from 'rhea-promise';

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** .NET `Guid.ToByteArray()` order → RFC order: bytes 0–3, 4–5 and 6–7 are little-endian. */
const DOTNET_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;

/**
 * The lock token of a message received on a link: its 16-byte delivery tag, in .NET GUID byte
 * order, formatted as a UUID string (what the official SDKs show). `undefined` if the tag is not 16 bytes.
 */
export function lockTokenFromDeliveryTag(tag: unknown): string | undefined {
  if (!Buffer.isBuffer(tag) || tag.length !== 16) return undefined;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[tag[DOTNET_ORDER[i] as number] as number];
  }
  return s;
}

/** A lock token as an AMQP `uuid` payload in RFC byte order (how management requests carry it). */
export function lockTokenToUuid(token: string): Buffer {
  return string_to_uuid(token);
}

/** Formats a 16-byte RFC-order uuid (as rhea decodes one) as a UUID string. */
export function uuidToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Buffer.isBuffer(value) || value.length !== 16) return undefined;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[value[i] as number];
  }
  return s;
}
