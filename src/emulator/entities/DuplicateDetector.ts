import type { Typed } from '../rhea/codec';

/**
 * Remembers the message ids accepted within a time window (Service Bus duplicate detection). A message
 * whose id was accepted less than `windowMs` ago is a duplicate. No timers: entries are kept in
 * acceptance order and pruned from the oldest on each check, so the cost per message is O(1) amortised.
 */
export class DuplicateDetector {
  /** Message-id key → acceptance time (Unix ms); Map order is acceptance order. */
  private readonly seen = new Map<string, number>();

  constructor(public windowMs: number) {}

  /**
   * True when `messageId` was accepted within the window; otherwise records it as accepted at `now` and
   * returns false. A message without an id is never a duplicate.
   */
  isDuplicate(messageId: Typed | undefined, now: number): boolean {
    if (messageId === undefined) return false;
    this.prune(now);
    const key = messageIdKey(messageId);
    const at = this.seen.get(key);
    if (at !== undefined && at + this.windowMs > now) return true;
    this.seen.delete(key);
    this.seen.set(key, now);
    return false;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [key, at] of this.seen) {
      if (at + this.windowMs > now) return;
      this.seen.delete(key);
    }
  }
}

const UUID = 0x98;

/** A message id as a map key: its kind (string, uuid, binary, number) and value, whatever its encoding width. */
function messageIdKey(id: Typed): string {
  const value = id.value as unknown;
  if (typeof value === 'string') return `s:${value}`;
  if (Buffer.isBuffer(value)) return `${id.type?.typecode === UUID ? 'u' : 'b'}:${value.toString('hex')}`;
  return `n:${String(value)}`;
}
