import type { Message } from 'rhea';
import { message as codec } from '../rhea/codec';
import { encodePresized } from '../rhea/encodePresized';
import { ExpiryBody } from './ExpiryBody';
import { managementReply } from './managementReply';

/** A reply's bytes with holes: the correlation id's UTF-8 bytes at `idAt`, the expiry's 8 bytes at `expiryAt`. */
class Template {
  constructor(
    readonly idBytes: number,
    readonly bytes: Buffer,
    readonly idAt: number,
    readonly expiryAt: number,
  ) {}
}

const TIMESTAMP = 0x83;
const TWO_POW_32 = 0x1_0000_0000;
/** Two expiries whose 8 bytes differ but in the top one (0 in every safe integer). */
const FILL_A = 0x01_0203_0405_0607;
const FILL_B = 0x10_2030_4050_6070;

/** Templates by the byte length of the correlation id (few: ids of one client share one). */
const templates = new Map<number, Template | null>();
let last: Template | undefined;

/**
 * The bytes of a `$management` reply, as rhea encodes it ({@link encodePresized}). The successful
 * `renew-session-lock` reply (an {@link ExpiryBody}, status 200 'OK', a string correlation id) — the
 * one reply sent in bulk — is copied from a template that rhea encoded once for ids of its byte length,
 * with the id and the expiry written into it: no typed wrappers, section arrays or writer per reply.
 * A template is derived from two rhea encodings with different id fillers and expiries, so nothing
 * about rhea's bytes is assumed; a shape whose differences are not exactly the two holes is encoded
 * by rhea every time.
 */
export function encodeReply(reply: Message): Buffer {
  const id = reply.correlation_id;
  const body = reply.body as unknown;
  if (!(body instanceof ExpiryBody) || typeof id !== 'string' || !isPlainOk(reply)) return encodePresized(reply);
  return fromTemplate(id, body.expiration.getTime()) ?? encodePresized(reply);
}

/**
 * The bytes of the successful `renew-session-lock` reply with correlation id `id` and expiry `ms` (Unix
 * ms): what {@link encodeReply} writes for `managementReply(200, 'OK', new ExpiryBody(new Date(ms)))`
 * with that `correlation_id`.
 */
export function encodeRenewReply(id: string, ms: number): Buffer {
  return fromTemplate(id, ms) ?? encodePresized({ ...managementReply(200, 'OK', new ExpiryBody(new Date(ms))), correlation_id: id });
}

/** The reply copied from its template, or `undefined` when there is none for it (rhea encodes it). */
function fromTemplate(id: string, ms: number): Buffer | undefined {
  if (!Number.isSafeInteger(ms)) return undefined;
  const idBytes = Buffer.byteLength(id, 'utf8');
  let template = last;
  if (template === undefined || template.idBytes !== idBytes) {
    const found = templateFor(idBytes);
    if (found === null) return undefined;
    template = last = found;
  }
  const out = Buffer.allocUnsafe(template.bytes.length);
  template.bytes.copy(out, 0);
  if (idBytes > 0) out.write(id, template.idAt, 'utf8');
  const high = Math.floor(ms / TWO_POW_32);
  out.writeInt32BE(high, template.expiryAt);
  out.writeUInt32BE(ms - high * TWO_POW_32, template.expiryAt + 4);
  return out;
}

/** True for the reply `handleManagementRequest` builds for status 200: `statusCode` 200, `statusDescription` 'OK', no `errorCondition`. */
function isPlainOk(reply: Message): boolean {
  const props = reply.application_properties as Record<string, unknown> | undefined;
  return props !== undefined && props['statusDescription'] === 'OK' && props['errorCondition'] === undefined && (props['statusCode'] as { value?: unknown } | undefined)?.value === 200;
}

/** The template for ids of `idBytes` UTF-8 bytes, built (and kept, up to 16) on first use; `null`: rhea encodes such replies. */
function templateFor(idBytes: number): Template | null {
  let template = templates.get(idBytes);
  if (template === undefined) {
    template = build(idBytes);
    if (templates.size < 16) templates.set(idBytes, template);
  }
  return template;
}

function build(idBytes: number): Template | null {
  const encode = (fill: string, expiry: number): Buffer =>
    codec.encode({ ...managementReply(200, 'OK', new ExpiryBody(new Date(expiry))), correlation_id: fill.repeat(idBytes) });
  const a = encode('\u0001', FILL_A);
  const b = encode('\u0011', FILL_B);
  if (a.length !== b.length) return null;
  const differ: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ.push(i);
  // The id's bytes (one run, first) and the expiry's low 7 bytes (the timestamp's, after its typecode and top byte).
  const expiryAt = a.length - 8;
  const idAt = differ.length > 0 ? differ[0]! : -1;
  const expected = idBytes + 7;
  if (differ.length !== expected || a[expiryAt - 1] !== TIMESTAMP || a[expiryAt] !== 0 || b[expiryAt] !== 0) return null;
  for (let i = 0; i < idBytes; i++) if (differ[i] !== idAt + i) return null;
  for (let i = 0; i < 7; i++) if (differ[idBytes + i] !== expiryAt + 1 + i) return null;
  if (a.readBigInt64BE(expiryAt) !== BigInt(FILL_A) || b.readBigInt64BE(expiryAt) !== BigInt(FILL_B)) return null;
  return new Template(idBytes, a, idAt, expiryAt);
}
