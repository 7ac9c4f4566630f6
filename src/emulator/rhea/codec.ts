import { message as rheaMessage, types as rheaTypes } from 'rhea';
import type { Reader, Typed, Writer } from 'rhea/typings/types';
import { AmqpDecodeError } from './AmqpDecodeError';
import { BoundedReader, DEFAULT_DECODE_LIMITS } from './BoundedReader';
import { scanBoundedLength } from './scanBounded';

/**
 * rhea's encoder/decoder, with the members its typings leave out (Reader, Writer, the typed-value
 * constructors and the outcome constructors). One cast, here, instead of one per call site.
 */
interface Codec {
  readonly Reader: new (buffer: Buffer) => Reader;
  readonly Writer: new (buffer?: Buffer) => Writer;
  readonly List32: (items: readonly (Typed | null)[]) => Typed;
  readonly Map32: (items: readonly Typed[]) => Typed;
  readonly Ubyte: (value: number) => Typed;
  readonly Null: () => Typed;
  readonly is_map: (value: Typed) => boolean;
  readonly is_list: (value: Typed) => boolean;
}

interface Outcomes {
  accepted(): { described(): unknown };
  released(): { described(): unknown };
  rejected(fields?: { error?: { condition: string; description?: string } }): { described(): unknown };
  modified(fields?: { delivery_failed?: boolean; undeliverable_here?: boolean; message_annotations?: Record<string, unknown> }): {
    described(): unknown;
  };
}

/** Message section descriptors (AMQP 1.0 section 3.2: header 0x70 … footer 0x78). */
const FIRST_SECTION = 0x70;
const LAST_SECTION = 0x78;

/**
 * The broker's codec: rhea's, except that `Reader` is the {@link BoundedReader} (every count checked
 * against the bytes left, bounded depth and element count) and `message.decode` first proves the bytes
 * are bounded message sections. rhea's module objects are not modified: other users of rhea in the
 * process (a client) are unaffected.
 */
export const types = Object.assign(Object.create(rheaTypes) as typeof rheaTypes & Codec, { Reader: BoundedReader as unknown as Codec['Reader'] });

export const message = Object.assign(Object.create(rheaMessage) as typeof rheaMessage & Outcomes, {
  /** rhea's `message.decode`, after a bounded pass; throws {@link AmqpDecodeError} for hostile bytes. */
  decode(buffer: Buffer): ReturnType<typeof rheaMessage.decode> {
    if (scanSections(buffer)) return rheaMessage.decode(buffer);
    const reader = new BoundedReader(buffer);
    while (reader.remaining() > 0) {
      const section = reader.read();
      const code = (section as { descriptor?: { value?: unknown } }).descriptor?.value;
      if (typeof code !== 'number' || code < FIRST_SECTION || code > LAST_SECTION) {
        throw new AmqpDecodeError('The bytes are not a sequence of AMQP message sections.');
      }
    }
    return rheaMessage.decode(buffer);
  },
});

/**
 * True only when the bounded pass of `message.decode` is certain to pass: every section is described by a
 * smallulong 0x70 … 0x78 and {@link scanBoundedLength} vouches for it. A buffer of at most `maxElements`
 * bytes holds at most that many values (each takes a byte), so per-section scans bound the buffer's total.
 * Walks the bytes without building values; false means "unsure" and the building pass gives the verdict.
 */
function scanSections(buffer: Buffer): boolean {
  if (buffer.length > DEFAULT_DECODE_LIMITS.maxElements) return false;
  let at = 0;
  while (at < buffer.length) {
    if (buffer.length - at < 4 || buffer[at] !== 0x00 || buffer[at + 1] !== 0x53) return false;
    const code = buffer[at + 2] as number;
    if (code < FIRST_SECTION || code > LAST_SECTION) return false;
    at = scanBoundedLength(buffer, DEFAULT_DECODE_LIMITS, at);
    if (at < 0) return false;
  }
  return true;
}

/**
 * The encoded `accepted` and `released` outcomes, built once: rhea only reads a delivery's state (to
 * write it in a disposition), so every settlement can share them instead of building one per message.
 */
export const ACCEPTED: unknown = message.accepted().described();
export const RELEASED: unknown = message.released().described();
export type { Reader, Typed, Writer };
