import type { StoredMessage } from './StoredMessage';

/**
 * The available messages of one session (or of a plain queue) in sequence-number order. New messages
 * append at the tail and receivers take from the head, both O(1); a message coming back (abandon, lock
 * loss, scheduled activation) is inserted at its place. Entries that stopped being available while
 * queued (e.g. expired) are skipped lazily at the head.
 */
export class SequenceQueue {
  private items: StoredMessage[] = [];
  private head = 0;

  /** Adds an available message at its sequence-number position. */
  insert(message: StoredMessage): void {
    const items = this.items;
    const last = items[items.length - 1];
    if (items.length === this.head || (last !== undefined && last.sequenceNumber < message.sequenceNumber)) {
      items.push(message);
      return;
    }
    let low = this.head;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((items[mid] as StoredMessage).sequenceNumber < message.sequenceNumber) low = mid + 1;
      else high = mid;
    }
    items.splice(low, 0, message);
  }

  /** The first available message, without taking it. */
  peek(): StoredMessage | undefined {
    const items = this.items;
    while (this.head < items.length) {
      const first = items[this.head] as StoredMessage;
      if (first.available) return first;
      this.head++;
    }
    this.compact();
    return undefined;
  }

  /** Takes the first available message. */
  shift(): StoredMessage | undefined {
    const first = this.peek();
    if (first !== undefined) {
      this.items[this.head] = undefined as unknown as StoredMessage;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
    }
    return first;
  }

  private compact(): void {
    if (this.head === 0) return;
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
