/**
 * One entry of the broker's {@link DeadlineHeap}: something that must happen at `at` (Unix ms on the
 * broker's scheduler) unless it is removed first.
 */
export class Deadline {
  /** Position in the heap; -1 when not scheduled. Maintained by the heap only. */
  heapIndex = -1;

  constructor(
    public at: number,
    readonly fire: (now: number) => void,
  ) {}

  get scheduled(): boolean {
    return this.heapIndex >= 0;
  }
}
