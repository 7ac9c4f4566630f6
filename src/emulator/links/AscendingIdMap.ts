/** A slot whose entry was deleted. */
const HOLE: unique symbol = Symbol('hole');
const INITIAL_CAPACITY = 16;

/**
 * A map from ids to values for ids mostly added in ascending order, as a link's delivery ids (rhea numbers
 * a session's deliveries upward), with the `Map` operations a link uses. The entries are a ring of slots in
 * id order: adding and deleting in the usual order allocate nothing (a `Map` with entries added at one end and
 * deleted at the other reallocates its table every few hundred entries), a lookup is the first slot or a binary
 * search. Deleted slots are reused once the ring is half holes (compacted in place). An id not above the last
 * one added goes to a `Map` of its own; {@link values} then lists the ring's entries before it.
 */
export class AscendingIdMap<V> {
  private ids: number[] = new Array<number>(INITIAL_CAPACITY).fill(0);
  private slots: (V | typeof HOLE)[] = new Array<V | typeof HOLE>(INITIAL_CAPACITY).fill(HOLE);
  /** Physical index of the first slot in use. */
  private head = 0;
  /** Slots in use from `head` (entries and holes). */
  private span = 0;
  /** Entries in the ring. */
  private live = 0;
  /** Entries whose id was not above the last added. */
  private others: Map<number, V> | undefined = undefined;

  /** Number of entries. */
  get size(): number {
    return this.live + (this.others?.size ?? 0);
  }

  /** Adds (or replaces) the value of `id`. */
  set(id: number, value: V): this {
    const at = this.find(id);
    if (at >= 0) {
      this.slots[at] = value;
      return this;
    }
    const others = this.others;
    if (others !== undefined && others.has(id)) {
      others.set(id, value);
      return this;
    }
    if (this.span > 0 && id <= (this.ids[this.physical(this.span - 1)] as number)) {
      (this.others ??= new Map()).set(id, value);
      return this;
    }
    if (this.span === this.ids.length) this.makeRoom();
    const slot = this.physical(this.span);
    this.ids[slot] = id;
    this.slots[slot] = value;
    this.span++;
    this.live++;
    return this;
  }

  get(id: number): V | undefined {
    const at = this.find(id);
    if (at >= 0) return this.slots[at] as V;
    return this.others?.get(id);
  }

  /** Removes the entry of `id`; true when there was one. */
  delete(id: number): boolean {
    const at = this.find(id);
    if (at < 0) return this.others !== undefined && this.others.delete(id);
    this.slots[at] = HOLE;
    this.live--;
    // Drop the holes at the front (settlements come mostly in order).
    const mask = this.ids.length - 1;
    while (this.span > 0 && this.slots[this.head] === HOLE) {
      this.head = (this.head + 1) & mask;
      this.span--;
    }
    if (this.span === 0) this.head = 0;
    return true;
  }

  /** The values, the ring's in id order, then the others in the order added. */
  values(): V[] {
    const values: V[] = [];
    for (let i = 0; i < this.span; i++) {
      const value = this.slots[this.physical(i)] as V | typeof HOLE;
      if (value !== HOLE) values.push(value);
    }
    if (this.others !== undefined) values.push(...this.others.values());
    return values;
  }

  clear(): void {
    this.slots.fill(HOLE);
    this.head = 0;
    this.span = 0;
    this.live = 0;
    this.others = undefined;
  }

  private physical(index: number): number {
    return (this.head + index) & (this.ids.length - 1);
  }

  /** The physical slot holding `id`'s entry, or -1. */
  private find(id: number): number {
    if (this.span === 0) return -1;
    const first = this.head;
    if (this.ids[first] === id) return this.slots[first] === HOLE ? -1 : first;
    let low = 0;
    let high = this.span - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const slot = this.physical(middle);
      const found = this.ids[slot] as number;
      if (found === id) return this.slots[slot] === HOLE ? -1 : slot;
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** A full ring: compacted in place when at least half of it is holes, else doubled. */
  private makeRoom(): void {
    const capacity = this.ids.length;
    const ids = this.live * 2 <= capacity ? this.ids : new Array<number>(capacity * 2).fill(0);
    const slots = ids === this.ids ? this.slots : new Array<V | typeof HOLE>(capacity * 2).fill(HOLE);
    // The entries in id order into slots 0…live-1.
    const entries: number[] = [];
    const values: V[] = [];
    for (let i = 0; i < this.span; i++) {
      const slot = this.physical(i);
      const value = this.slots[slot] as V | typeof HOLE;
      if (value !== HOLE) {
        entries.push(this.ids[slot] as number);
        values.push(value);
      }
    }
    slots.fill(HOLE);
    for (let i = 0; i < entries.length; i++) {
      ids[i] = entries[i] as number;
      slots[i] = values[i] as V;
    }
    this.ids = ids;
    this.slots = slots;
    this.head = 0;
    this.span = entries.length;
  }
}
