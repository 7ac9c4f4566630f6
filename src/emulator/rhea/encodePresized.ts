import type { Message } from 'rhea';
import { BinaryParts } from './BinaryParts';
import { message as codec, types } from './codec';
import { markWholeOutgoing } from './wholeOutgoing';

/** Below this estimated body size, rhea's own `message.encode` is used as it is. */
export const PRESIZED_BODY_BYTES = 65_536;

/** The encoded null `amqp-value` body section (descriptor 0x77, null) rhea writes for a message without a body. */
const NULL_BODY = Buffer.from([0x00, 0x53, 0x77, 0x40]);

/**
 * The bytes of `rhea.message.encode(msg)`, written into a buffer of about the right size when the body is
 * large (a `$management` peek reply carries up to `message-count` whole messages). rhea's writer starts at
 * 1 KB and doubles, and copies each binary once more before writing it: a 2 MB reply allocated ~12 MB and
 * came back as a view of a 4 MB buffer, and a client that never reads made the broker allocate that per
 * request. Here: the sections before the body by rhea, then the body section (an `amqp-value`, as rhea
 * writes a body that is not a data or sequence section) into the same, presized buffer, binaries written
 * from their own bytes ({@link BinaryParts} from each part). Same bytes as rhea's (test/unit/emulator/encodePresized.test.ts).
 */
export function encodePresized(msg: Message): Buffer {
  const body = (msg as { body?: unknown }).body;
  const estimate = body === undefined || body === null || isSection(body) ? 0 : sizeAtMost(body);
  if (estimate < PRESIZED_BODY_BYTES) return codec.encode(msg);
  const head = codec.encode({ ...msg, body: null } as Message);
  if (!head.subarray(head.length - NULL_BODY.length).equals(NULL_BODY)) return codec.encode(msg);
  const writer = new types.Writer(Buffer.allocUnsafe(head.length + estimate)) as unknown as WriterInternals;
  writer.write_bytes(head.subarray(0, head.length - NULL_BODY.length));
  writer.write_variable_width = writeUncopied;
  writer.write(types.described(types.wrap_ulong(0x77), types.wrap(body)));
  return markWholeOutgoing(writer.toBuffer());
}

/** The members of rhea's `types.Writer` used here (rhea 3.x `types.js`). */
interface WriterInternals {
  write_bytes(source: Buffer): void;
  write_uint(value: number, width: number): void;
  write_variable_width(type: VariableWidth, value: unknown): void;
  write(value: unknown): void;
  toBuffer(): Buffer;
}

/** A variable-width type as rhea's writer sees it (`types.js` TypeDesc): a string's encoding, the size field's width. */
interface VariableWidth {
  readonly encoding?: BufferEncoding;
  readonly width: number;
}

/** rhea's `Writer.write_variable_width`, without copying a binary into a fresh buffer first (nor joining {@link BinaryParts}). */
function writeUncopied(this: WriterInternals, type: VariableWidth, value: unknown): void {
  if (value instanceof BinaryParts && type.encoding === undefined) {
    this.write_uint(value.length, type.width);
    this.write_bytes(value.head);
    this.write_bytes(value.tail);
    return;
  }
  const source = type.encoding === undefined && Buffer.isBuffer(value) ? value : type.encoding ? Buffer.from(value as string, type.encoding) : Buffer.from(value as Buffer);
  this.write_uint(source.length, type.width);
  this.write_bytes(source);
}

/** A body rhea writes as data or sequence sections (`message.data_section` …), not as one `amqp-value`. */
function isSection(body: unknown): boolean {
  return typeof (body as { collect_sections?: unknown }).collect_sections === 'function';
}

/**
 * An upper bound of the encoded size of `value` as rhea's `types.wrap` encodes it (a 32-bit size and count
 * per compound, a typecode and a 32-bit size per variable-width value, at most 3 bytes per UTF-16 unit).
 */
function sizeAtMost(value: unknown): number {
  if (Buffer.isBuffer(value) || value instanceof BinaryParts) return value.length + 5;
  if (typeof value === 'string') return 3 * value.length + 5;
  if (typeof value !== 'object' || value === null) return 9;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + sizeAtMost(item), 9);
  const typed = value as { typecode?: unknown; value?: unknown; descriptor?: unknown };
  if (typeof typed.typecode === 'number') return sizeAtMost(typed.value) + sizeAtMost(typed.descriptor) + 9;
  let sum = 9;
  for (const key of Object.keys(value)) sum += sizeAtMost(key) + sizeAtMost((value as Record<string, unknown>)[key]);
  return sum;
}
