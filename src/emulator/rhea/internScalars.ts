import { types as rheaTypes } from 'rhea';

/** rhea's typed value (`types.js` `Typed`): a type and a value; a described one also has a `descriptor`. */
interface TypedValue {
  readonly type: { readonly typecode?: number };
  readonly value: unknown;
  descriptor?: unknown;
}

/** The prototype of rhea's typed values (its `Typed` constructor is not exported). */
const TYPED = Object.getPrototypeOf((rheaTypes as unknown as { wrap_uint(value: number): object }).wrap_uint(0)) as object;

/** Numbers up to this (and `MAX_UINT`) are shared. */
const LARGEST_SHARED = 2_048;
const MAX_UINT = 0xffff_ffff;
/**
 * The types shared (rhea's typecodes): null, true, false, boolean, ubyte, ushort, uint, smalluint, uint0,
 * ulong0, smallulong — those of the performatives' scalar fields. A peer chooses its fields' encodings:
 * the table holds at most ~5 500 values, whatever it sends.
 */
const SHARED_TYPES = new Set([0x40, 0x41, 0x42, 0x56, 0x50, 0x60, 0x70, 0x52, 0x43, 0x44, 0x53]);

/** The shared typed values, by rhea type, then by value. */
const shared = new Map<object, Map<unknown, TypedValue>>();

const isTyped = (value: unknown): value is TypedValue => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === TYPED;

/** The shared (frozen) typed value equal to `typed` when it is a scalar the table holds (null, a boolean, a small or `MAX_UINT` integer); else undefined. */
function sharedOf(typed: TypedValue): TypedValue | undefined {
  const value = typed.value;
  const scalar =
    value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && (value <= LARGEST_SHARED || value === MAX_UINT));
  // Own fields other than type and value (a descriptor, an array's element constructor) make it more than a scalar.
  if (!scalar || !SHARED_TYPES.has(typed.type.typecode as number) || Object.keys(typed).length !== 2) return undefined;
  let byValue = shared.get(typed.type);
  if (byValue === undefined) shared.set(typed.type, (byValue = new Map()));
  let one = byValue.get(value);
  if (one === undefined) byValue.set(value, (one = Object.freeze(typed)));
  return one;
}

/**
 * Replaces each scalar field of `fields` (a performative's typed values, e.g. a lean link's `local.attach.value`),
 * and the descriptor of each described field (a source's or target's), by one typed value shared by every
 * frame: rhea wraps each field in a fresh 48-byte object (a role, a handle, a window, a settle mode…), and
 * an endpoint keeps its frame as long as it lives. The same types and values: the same bytes when written.
 */
export function internScalars(fields: unknown[]): void {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!isTyped(field)) continue;
    if (field.descriptor !== undefined) {
      const descriptor = field.descriptor;
      if (isTyped(descriptor)) {
        const one = sharedOf(descriptor);
        if (one !== undefined && one !== descriptor) field.descriptor = one;
      }
      continue;
    }
    const one = sharedOf(field);
    if (one !== undefined) fields[i] = one;
  }
}
