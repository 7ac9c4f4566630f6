/** rhea's performative constructors (`lib/frames.js`); its typings omit the module. */
const rheaFrames = require('rhea/lib/frames.js') as { disposition(fields: object): unknown };

/** A delivery on rhea's incoming side, as `Incoming.process` reads it (`session.js`). */
interface UpdatedDelivery {
  readonly id: number;
  readonly settled: boolean;
  readonly state: unknown;
  readonly link: { is_receiver(): boolean; readonly session: { output(performative: unknown): void } };
}

/** rhea's incoming side of a session (`session.js` Incoming); its typings omit it. */
interface IncomingSide {
  updated: UpdatedDelivery[];
  deliveries: { pop_if(settled: (delivery: { settled: boolean }) => boolean): void };
  max_transfer_id: number;
  next_transfer_id: number;
  window: number;
  process(session: { _write_flow(): void }): void;
}

/** AMQP `accepted` (descriptor 0x24): the only outcome several deliveries may share in one range. */
const ACCEPTED = 0x24;

const descriptorOf = (state: unknown): unknown => (state as { descriptor?: { value?: unknown } } | undefined)?.descriptor?.value;

/** Whether `next` may join the disposition range that ends with `last`: the next id, same settled flag, both accepted (or both without a state). */
function extendsRange(last: UpdatedDelivery, next: UpdatedDelivery): boolean {
  if (next.id !== last.id + 1 || next.settled !== last.settled) return false;
  if (last.state === undefined || next.state === undefined) return last.state === next.state;
  return descriptorOf(last.state) === ACCEPTED && descriptorOf(next.state) === ACCEPTED;
}

/** Writes one `disposition` per run of deliveries that share an outcome. */
function writeDispositions(updated: readonly UpdatedDelivery[]): void {
  let first = updated[0];
  if (first === undefined) return;
  let last = first;
  const write = (from: UpdatedDelivery, to: UpdatedDelivery): void =>
    from.link.session.output(rheaFrames.disposition({ role: from.link.is_receiver(), first: from.id, last: to.id, state: from.state, settled: from.settled }));
  for (let i = 1; i < updated.length; i++) {
    const delivery = updated[i]!;
    if (extendsRange(last, delivery)) {
      last = delivery;
    } else {
      write(first, last);
      first = delivery;
      last = delivery;
    }
  }
  write(first, last);
}

/** `pop_if`'s predicate: one function, not a closure per pass (every pass visits every session). */
function isSettled(delivery: { settled: boolean }): boolean {
  return delivery.settled;
}

function processIncoming(this: IncomingSide, session: { _write_flow(): void }): void {
  if (this.updated.length > 0) {
    const updated = this.updated;
    this.updated = [];
    writeDispositions(updated);
  }
  this.deliveries.pop_if(isSettled);
  if (this.max_transfer_id - this.next_transfer_id < this.window / 2) session._write_flow();
}

/**
 * Makes `session` (a rhea session, or rhea-promise's, which exposes rhea's `incoming`) send each
 * settlement with its own outcome. rhea 3.0.5's `Incoming.process` folds the deliveries settled in
 * one pass into `disposition` ranges, but its `write_dispositions` compares outcomes only once a
 * range holds two deliveries: the second delivery of every range took the first one's outcome, so
 * completing one message and dead-lettering (or abandoning, deferring) the next in the same tick
 * completed both. Here a range holds consecutive ids with the same settled flag and, as in rhea, only
 * `accepted` is shared. Everything else `process` does is unchanged: fully settled deliveries leave the
 * buffer, and the session writes a flow when half its window is used. Instance-level.
 */
export function exactDispositions(session: object): void {
  (session as { readonly incoming: IncomingSide }).incoming.process = processIncoming;
}
