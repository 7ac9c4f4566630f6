import type { DecodeLimits } from './BoundedReader';

/** Type codes rhea 3.0.5 knows (its `define_type` table); any other code is left to the full decoder. */
const KNOWN = new Set([
  0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x60, 0x61, 0x70, 0x71, 0x72, 0x73,
  0x74, 0x80, 0x81, 0x82, 0x83, 0x84, 0x94, 0x98, 0xa0, 0xa1, 0xa3, 0xb0, 0xb1, 0xb3, 0xc0, 0xc1, 0xd0, 0xd1, 0xe0, 0xf0,
]);
const FIXED_WIDTH: Readonly<Record<number, number>> = { 0x4: 0, 0x5: 1, 0x6: 2, 0x7: 4, 0x8: 8, 0x9: 16 };
/** Thrown inside the scan when it cannot vouch for the bytes; never escapes {@link scanBounded}. */
const UNSURE = Symbol('unsure');

/**
 * Walks one AMQP value in `buffer` (as `new BoundedReader(buffer, limits).read()` would) without building
 * it: no wrappers, strings or arrays, so a frame costs no garbage. With `start` and `end`, the value at
 * `start` in the bytes before `end` (as for `buffer.subarray(start, end)`, without the view). Returns true only when the bounded
 * decode is certain to succeed (every size and count fits, depth and element count within `limits`);
 * false when it cannot vouch for the bytes, and the caller then runs {@link BoundedReader} for the verdict
 * and its exact error. Depth and element counts here are never below the bounded decoder's.
 */
export function scanBounded(buffer: Buffer, limits: DecodeLimits, start = 0, end = buffer.length): boolean {
  return scanBoundedLength(buffer, limits, start, end) >= 0;
}

/**
 * {@link scanBounded} of the value starting at `start`: the offset just past it as rhea's reader consumes
 * it (a compound's `count` elements, not its `size` bytes), or -1 when it cannot vouch for the bytes
 * (the value must end by `end`). `elements` counts from 0 for this value alone.
 */
export function scanBoundedLength(buffer: Buffer, limits: DecodeLimits, start = 0, end = buffer.length): number {
  const scan = SCAN;
  scan.buffer = buffer;
  scan.end = end;
  scan.at = start;
  scan.elements = 0;
  scan.limits = limits;
  try {
    one(scan, 1);
    return scan.at;
  } catch (error: unknown) {
    if (error === UNSURE) return -1;
    throw error;
  } finally {
    scan.buffer = NO_BYTES;
  }
}

/** One scan's state (plain functions over it: no closures allocated per scan). */
interface Scan {
  buffer: Buffer;
  end: number;
  at: number;
  elements: number;
  limits: DecodeLimits;
}

const NO_BYTES = Buffer.alloc(0);
/** The state of the scan under way, reused by every scan (a scan runs to its end synchronously; its bytes are let go after it). */
const SCAN: Scan = { buffer: NO_BYTES, end: 0, at: 0, elements: 0, limits: { maxDepth: 0, maxElements: 0 } };

function need(scan: Scan, bytes: number): void {
  if (bytes > scan.end - scan.at) throw UNSURE;
}

function uint(scan: Scan, width: number): number {
  need(scan, width);
  const value = width === 1 ? (scan.buffer[scan.at] as number) : scan.buffer.readUInt32BE(scan.at);
  scan.at += width;
  return value;
}

function value(scan: Scan, code: number, depth: number): void {
  if (!KNOWN.has(code)) throw UNSURE;
  if (++scan.elements > scan.limits.maxElements) throw UNSURE;
  const high = code >> 4;
  const fixed = FIXED_WIDTH[high];
  if (fixed !== undefined) {
    need(scan, fixed);
    scan.at += fixed;
    return;
  }
  const width = (high & 1) === 0 ? 1 : 4; // 0xa, 0xc, 0xe: one byte; 0xb, 0xd, 0xf: four
  if (high === 0xa || high === 0xb) {
    const size = uint(scan, width);
    need(scan, size);
    scan.at += size;
    return;
  }
  need(scan, 2 * width);
  const size = uint(scan, width);
  if (size > scan.end - scan.at) throw UNSURE;
  const count = uint(scan, width);
  if (count > size) throw UNSURE;
  if (high === 0xc || high === 0xd) {
    if ((code & 0x0f) === 1 && count % 2 !== 0) throw UNSURE; // a map with an odd count: let rhea judge
    if (count > scan.end - scan.at) throw UNSURE;
    for (let i = 0; i < count; i++) one(scan, depth + 1);
    return;
  }
  // An array: only plain fixed- or variable-width elements are vouched for.
  if (depth + 1 > scan.limits.maxDepth) throw UNSURE;
  need(scan, 1);
  const element = scan.buffer[scan.at++] as number;
  const elementHigh = element >> 4;
  if (!KNOWN.has(element) || elementHigh < 0x5 || elementHigh > 0xb) throw UNSURE;
  for (let i = 0; i < count; i++) value(scan, element, depth + 1);
}

function one(scan: Scan, depth: number): void {
  // Conservative depth: each descriptor and each value counts a level, as BoundedReader's read() does.
  if (depth > scan.limits.maxDepth) throw UNSURE;
  need(scan, 1);
  let code = scan.buffer[scan.at++] as number;
  let level = depth;
  while (code === 0x00) {
    one(scan, level + 1);
    if (++level > scan.limits.maxDepth) throw UNSURE;
    need(scan, 1);
    code = scan.buffer[scan.at++] as number;
  }
  value(scan, code, level);
}
