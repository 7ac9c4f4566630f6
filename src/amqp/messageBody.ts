import { message as rheaMessage } from 'rhea-promise';

const DATA = 0x75;
const SEQUENCE = 0x76;

interface SectionLike {
  readonly typecode: number;
  readonly content: unknown;
  readonly multiple?: boolean;
}

/**
 * Encodes a message body exactly as the official JS SDK does, so either side can read the other's
 * messages: bytes (`Buffer`/`Uint8Array`) go into one AMQP `data` section as they are; anything else
 * (string, number, boolean, object, array, null; `undefined` becomes null) is `JSON.stringify`'d
 * into one `data` section as UTF-8. Throws what `JSON.stringify` throws (e.g. on a cycle or a bigint).
 */
export function encodeBody(body: unknown): unknown {
  if (body instanceof Uint8Array) {
    return rheaMessage.data_section(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
  return rheaMessage.data_section(Buffer.from(JSON.stringify(body === undefined ? null : body), 'utf8'));
}

/**
 * Decodes a received body like the official JS SDK: a `data` section is JSON-parsed when it holds
 * JSON, else returned as a `Buffer`; an `amqp-value` body is returned as rhea decoded it; an
 * `amqp-sequence` body as its list (or list of lists).
 */
export function decodeBody(body: unknown): unknown {
  if (isSection(body)) {
    if (body.typecode === DATA) {
      const content = body.multiple && Array.isArray(body.content) ? Buffer.concat(body.content as Buffer[]) : body.content;
      return Buffer.isBuffer(content) ? tryJsonDecode(content) : content;
    }
    if (body.typecode === SEQUENCE) return body.content;
    return body.content;
  }
  if (Buffer.isBuffer(body)) return tryJsonDecode(body);
  return body;
}

function isSection(value: unknown): value is SectionLike {
  return typeof value === 'object' && value !== null && typeof (value as { typecode?: unknown }).typecode === 'number' && 'content' in value;
}

/** Bytes that can start a JSON text (after optional whitespace): { [ " - 0-9 t f n. */
function mayBeJson(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b || c === 0x5b || c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
  }
  return false;
}

/** `JSON.parse` of the UTF-8 text when it is JSON; otherwise the bytes themselves. */
export function tryJsonDecode(bytes: Buffer): unknown {
  if (!mayBeJson(bytes)) return bytes;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return bytes;
  }
}
