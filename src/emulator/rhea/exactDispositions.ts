import type { Session } from 'rhea';
import { rheaFrames, sessionInternals, type IncomingInternals, type SettledDelivery } from './internals';

/** AMQP `accepted` (descriptor 0x24): the only outcome several deliveries may share in one range. */
const ACCEPTED = 0x24;

const descriptorOf = (state: unknown): unknown => (state as { descriptor?: { value?: unknown } } | undefined)?.descriptor?.value;

/** Whether `next` may join the disposition range that ends with `last`: the next id, the same settled flag, both accepted (or both without a state). */
function extendsRange(last: SettledDelivery, next: SettledDelivery): boolean {
  if (next.id !== last.id + 1 || next.settled !== last.settled) return false;
  if (last.state === undefined || next.state === undefined) return last.state === next.state;
  return descriptorOf(last.state) === ACCEPTED && descriptorOf(next.state) === ACCEPTED;
}

/**
 * Writes one `disposition` per run of deliveries that share an outcome: consecutive ids, the same
 * settled flag, and (as rhea batches) only `accepted` shared. rhea 3.0.5's own `write_dispositions`
 * compares outcomes only once a range holds two deliveries, so the second delivery of a range took
 * the first one's outcome: a message refused right after (or before) an accepted one in the same
 * pass was reported accepted to its sender, or the other way round.
 */
export function writeDispositions(deliveries: readonly SettledDelivery[]): void {
  let first = deliveries[0];
  if (first === undefined) return;
  let last = first;
  for (let i = 1; i < deliveries.length; i++) {
    const delivery = deliveries[i]!;
    if (extendsRange(last, delivery)) {
      last = delivery;
      continue;
    }
    writeRange(first, last);
    first = delivery;
    last = delivery;
  }
  writeRange(first, last);
}

function writeRange(from: SettledDelivery, to: SettledDelivery): void {
  from.link.session.output(rheaFrames.disposition({ role: from.link.is_receiver(), first: from.id, last: to.id, state: from.state, settled: from.settled }));
}

/**
 * Makes this session's incoming side (messages clients send to the broker) settle each delivery with
 * its own outcome, through {@link writeDispositions}; the rest of rhea's `Incoming.process` is kept:
 * settled deliveries leave the buffer and a flow goes out once half the window is used. Instance-level.
 */
export function exactDispositions(session: Session): void {
  sessionInternals(session).incoming.process = processIncoming;
}

function processIncoming(this: IncomingInternals, session: { _write_flow(): void }): void {
  if (this.updated.length > 0) {
    const updated = this.updated;
    this.updated = [];
    writeDispositions(updated);
  }
  this.deliveries.pop_if((delivery) => delivery.settled === true);
  if (this.max_transfer_id - this.next_transfer_id < this.window / 2) session._write_flow();
}
