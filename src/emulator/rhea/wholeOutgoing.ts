/**
 * Memory that holds exactly one outgoing message or reply, encoded by the broker for that purpose.
 * rhea splits a large delivery into frames that are views of its bytes; {@link writeFramesInPlace}
 * copies a large frame payload that is a view of a much larger buffer (so that a slow reader's socket
 * does not keep an unrelated parent alive), but copying the frames of a message out of the message's
 * own buffer only doubles the memory and the garbage (a 2 MB peek reply: 2 MB more per reply).
 */
const whole = new WeakSet<ArrayBufferLike>();

/**
 * Marks `bytes` (a freshly allocated, unpooled buffer of one encoded message or reply) as whole: its
 * frames are written without copies. Buffers of pooled sizes (under 4 KiB: `Buffer.allocUnsafe` may
 * place them in a shared slab) are left unmarked. Returns `bytes`.
 */
export function markWholeOutgoing(bytes: Buffer): Buffer {
  if (bytes.length >= Buffer.poolSize >>> 1 && bytes.byteOffset === 0) whole.add(bytes.buffer);
  return bytes;
}

/** True when `memory` was marked by {@link markWholeOutgoing}. */
export function isWholeOutgoing(memory: ArrayBufferLike): boolean {
  return whole.has(memory);
}
