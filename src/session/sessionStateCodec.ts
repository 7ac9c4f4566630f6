import { InvalidArgumentError } from '../errors';
import type { SessionState } from './SessionState';

/** Largest session state accepted at the call (Service Bus standard tier: 256 KiB). */
export const MAX_SESSION_STATE_BYTES = 256 * 1024;

/**
 * Encodes a state for `set-session-state`, interoperable with the official JS SDK (which
 * JSON-encodes non-Buffer values on set and JSON-decodes on get):
 * - a string is stored as the UTF-8 bytes of `JSON.stringify(string)` (quotes included);
 * - a `Uint8Array` is stored as its bytes;
 * - `null` clears the state (AMQP null).
 * Throws `InvalidArgumentError('state', …)` for other values or more than 256 KiB.
 */
export function encodeSessionState(state: unknown): Buffer | null {
  if (state === null) return null;
  let bytes: Buffer;
  if (typeof state === 'string') bytes = Buffer.from(JSON.stringify(state), 'utf8');
  else if (state instanceof Uint8Array) bytes = Buffer.isBuffer(state) ? state : Buffer.from(state.buffer, state.byteOffset, state.byteLength);
  else throw new InvalidArgumentError('state', 'must be a string, a Uint8Array, or null to clear', state);
  if (bytes.length > MAX_SESSION_STATE_BYTES) {
    throw new InvalidArgumentError('state', `must encode to at most ${MAX_SESSION_STATE_BYTES} bytes`, bytes.length);
  }
  return bytes;
}

/**
 * Decodes a stored state: null/absent → `undefined`; bytes that JSON-decode to a string → that
 * string; anything else → the raw bytes as a `Uint8Array` (e.g. the SDK's JSON objects arrive as
 * their JSON bytes).
 */
export function decodeSessionState(bytes: Buffer | null): SessionState | undefined {
  if (bytes === null) return undefined;
  if (startsWithQuote(bytes)) {
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8'));
      if (typeof value === 'string') return value;
    } catch {
      // not JSON: raw bytes
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** First non-whitespace byte is `"`: the only bytes that can JSON-decode to a string. */
function startsWithQuote(bytes: Buffer): boolean {
  for (const c of bytes) {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x22;
  }
  return false;
}

/** A custom session-state codec: how a state becomes the stored bytes and back. */
export interface SessionStateCodec {
  /** The bytes to store for `state` (`null`, which clears the state, never reaches it). */
  encode(state: SessionState): Uint8Array;
  /** The state for stored bytes (an unset state, which reads as `undefined`, never reaches it). */
  decode(bytes: Uint8Array): SessionState;
}

/**
 * How session state is stored (`AcceptSessionOptions.stateCodec`):
 * - `'json'` (default): the official JS SDK's rule (strings as JSON text; see `encodeSessionState`);
 * - `'utf8'`: Python's and .NET's rule — a string is stored as its raw UTF-8 bytes, bytes as they
 *   are; stored bytes that are valid UTF-8 read back as a string, others as a `Uint8Array`;
 * - a {@link SessionStateCodec} of your own.
 */
export type SessionStateEncoding = 'json' | 'utf8' | SessionStateCodec;

/** A resolved codec (internal): `null` clears, absent reads as `undefined`, size checked. */
export interface ResolvedStateCodec {
  encode(state: unknown): Buffer | null;
  decode(bytes: Buffer | null): SessionState | undefined;
}

const JSON_CODEC: ResolvedStateCodec = { encode: encodeSessionState, decode: decodeSessionState };
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });

const UTF8_CODEC: ResolvedStateCodec = {
  encode(state) {
    if (state === null) return null;
    if (typeof state === 'string') return checkSize(Buffer.from(state, 'utf8'));
    if (state instanceof Uint8Array) return checkSize(asBuffer(state));
    throw new InvalidArgumentError('state', 'must be a string, a Uint8Array, or null to clear', state);
  },
  decode(bytes) {
    if (bytes === null) return undefined;
    try {
      return UTF8_DECODER.decode(bytes);
    } catch {
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  },
};

/**
 * Resolves `AcceptSessionOptions.stateCodec` (default `'json'`).
 * @throws InvalidArgumentError naming `name` for anything else.
 */
export function resolveStateCodec(name: string, option: unknown): ResolvedStateCodec {
  if (option === undefined || option === 'json') return JSON_CODEC;
  if (option === 'utf8') return UTF8_CODEC;
  if (typeof option !== 'object' || option === null || typeof (option as SessionStateCodec).encode !== 'function' || typeof (option as SessionStateCodec).decode !== 'function') {
    throw new InvalidArgumentError(name, "must be 'json', 'utf8' or an object with encode(state) and decode(bytes)", option);
  }
  const custom = option as SessionStateCodec;
  return {
    encode(state) {
      if (state === null) return null;
      if (typeof state !== 'string' && !(state instanceof Uint8Array)) {
        throw new InvalidArgumentError('state', 'must be a string, a Uint8Array, or null to clear', state);
      }
      const bytes: unknown = custom.encode(state);
      if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`${name}.encode(state)`, 'must return a Uint8Array', bytes);
      return checkSize(asBuffer(bytes));
    },
    decode(bytes) {
      return bytes === null ? undefined : custom.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkSize(bytes: Buffer): Buffer {
  if (bytes.length > MAX_SESSION_STATE_BYTES) throw new InvalidArgumentError('state', `must encode to at most ${MAX_SESSION_STATE_BYTES} bytes`, bytes.length);
  return bytes;
}
