import { InvalidArgumentError } from '../errors';
import type { SessionState } from './Session';

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
