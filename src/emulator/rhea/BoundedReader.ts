import type { Typed } from 'rhea/typings/types';
import { AmqpDecodeError } from './AmqpDecodeError';
import { RheaReaderBase, type TypeDesc } from './internals';

/** How deep and how large one decoded value (a frame's performative, a message) may be. */
export interface DecodeLimits {
  /** Deepest nesting of lists, maps, arrays and descriptors. */
  readonly maxDepth: number;
  /** Most values (of any type, at any depth) in one decoded buffer. */
  readonly maxElements: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxDepth: 32, maxElements: 16_384 };

const CAT_FIXED = 1;
const CAT_VARIABLE = 2;
const CAT_COMPOUND = 3;
const CAT_ARRAY = 4;

/**
 * rhea's decoder with bounds: every size and count must fit in the bytes left (rhea 3.0.5 trusts an
 * array's count and loops 2^32 times over zero-width elements; it returns short slices for truncated
 * values), nesting is at most `maxDepth` and a buffer holds at most `maxElements` values. A breach
 * throws {@link AmqpDecodeError} before anything is allocated for it. Decoding is otherwise rhea's own.
 */
export class BoundedReader extends RheaReaderBase {
  private depth = 0;
  private elements = 0;

  constructor(
    buffer: Buffer,
    private readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  ) {
    super(buffer);
  }

  override read(): Typed {
    if (++this.depth > this.limits.maxDepth) throw new AmqpDecodeError(`AMQP value nested deeper than ${this.limits.maxDepth}.`);
    try {
      return super.read();
    } finally {
      this.depth--;
    }
  }

  /** Each descriptor of a chain (`0x00 d1 0x00 d2 … code`) is one more level, as the allocation-free scan counts it. */
  override read_constructor(descriptors?: Typed[]): { typecode: number; descriptor?: Typed; descriptors?: Typed[] } {
    if (descriptors !== undefined && this.depth + descriptors.length > this.limits.maxDepth) {
      throw new AmqpDecodeError(`AMQP value nested deeper than ${this.limits.maxDepth}.`);
    }
    return super.read_constructor(descriptors);
  }

  override read_value(type: TypeDesc): Typed {
    if (++this.elements > this.limits.maxElements) throw new AmqpDecodeError(`More than ${this.limits.maxElements} AMQP values in one buffer.`);
    return super.read_value(type);
  }

  override read_array(type: TypeDesc): Typed {
    if (++this.depth > this.limits.maxDepth) throw new AmqpDecodeError(`AMQP value nested deeper than ${this.limits.maxDepth}.`);
    try {
      return super.read_array(type);
    } finally {
      this.depth--;
    }
  }

  override read_size_count(width: number): { size: number; count: number } {
    this.need(2 * width, 'a size and count');
    const size = this.read_uint(width);
    if (size > this.remaining()) throw new AmqpDecodeError(`A compound value of ${size} bytes exceeds the ${this.remaining()} bytes left.`);
    const count = this.read_uint(width);
    // Every element takes at least one byte (zero-width array elements are bounded by maxElements).
    if (count > size) throw new AmqpDecodeError(`A count of ${count} cannot fit in ${size} bytes.`);
    return { size, count };
  }

  override read_n(n: number): Typed[] {
    if (n > this.remaining()) throw new AmqpDecodeError(`A count of ${n} cannot fit in the ${this.remaining()} bytes left.`);
    if (this.elements + n > this.limits.maxElements) throw new AmqpDecodeError(`More than ${this.limits.maxElements} AMQP values in one buffer.`);
    return super.read_n(n);
  }

  override read_array_items(n: number, type: TypeDesc): Typed[] {
    const least = minimumBytes(type);
    if (n * least > this.remaining()) throw new AmqpDecodeError(`An array of ${n} elements cannot fit in the ${this.remaining()} bytes left.`);
    if (this.elements + n > this.limits.maxElements) throw new AmqpDecodeError(`More than ${this.limits.maxElements} AMQP values in one buffer.`);
    return super.read_array_items(n, type);
  }

  override read_fixed_width(type: TypeDesc): unknown {
    this.need(type.width, 'a fixed-width value');
    return super.read_fixed_width(type);
  }

  override read_variable_width(type: TypeDesc): unknown {
    this.need(type.width, 'a size');
    const at = this.position;
    const size = this.read_uint(type.width);
    this.position = at;
    this.need(type.width + size, `a value of ${size} bytes`);
    return super.read_variable_width(type);
  }

  private need(bytes: number, what: string): void {
    if (bytes > this.remaining()) throw new AmqpDecodeError(`Truncated AMQP encoding: ${what} needs ${bytes} bytes, ${this.remaining()} left.`);
  }
}

/** The fewest bytes one element of an array of `type` can take. */
function minimumBytes(type: TypeDesc): number {
  switch (type.category) {
    case CAT_FIXED:
    case CAT_VARIABLE:
      return type.width;
    case CAT_COMPOUND:
    case CAT_ARRAY:
      return 2 * type.width;
    default:
      return 1;
  }
}

/**
 * Decodes every value in `buffer` with bounds (as a message's sections are laid out), to prove that
 * rhea's own decoder can then read it safely. Throws {@link AmqpDecodeError} (or rhea's error for an
 * unknown type code) otherwise.
 */
export function checkDecodable(buffer: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): void {
  const reader = new BoundedReader(buffer, limits);
  while (reader.remaining() > 0) reader.read();
}
