import type { Delivery } from 'rhea';

/** The rhea 3.0.5 incoming side of a session (`session.js` Incoming, its CircularBuffer); rhea's typings omit it. */
interface IncomingSide {
  readonly updated: readonly unknown[];
  readonly deliveries: { readonly entries: readonly unknown[]; readonly head: number; readonly size: number; pop_if(settled: (delivery: { settled: boolean }) => boolean): number };
  readonly max_transfer_id: number;
  readonly next_transfer_id: number;
  readonly window: number;
}

/**
 * Settles a delivery received on a link with `autoaccept: false`. One the peer sent pre-settled (the
 * replies of `$management` and `$cbs`) is marked settled with no disposition to send; an unsettled one
 * is accepted. Either way its slot in rhea's buffer is freed now or in a processing pass soon: a reply
 * left in rhea's buffer until the next request (after a burst of renewals, ~20 s later) would be
 * promoted to the old generation with the socket read buffer its payload points into.
 *
 * A pre-settled delivery at the head of its session's buffer, on a session with no disposition to
 * write and no flow due, is freed at once, without the processing pass of every session of the
 * connection that rhea's `update(true)` asks for: freeing it is all that pass would do for it (see
 * {@link freeAtOnce}). Otherwise rhea's `update(true)` runs.
 */
export function settleReceived(delivery: Delivery): void {
  if (!delivery.remote_settled) delivery.accept();
  else if (!freeAtOnce(delivery)) delivery.update(true);
}

/** `pop_if`'s predicate, as in rhea's `Incoming.process`. */
function isSettled(delivery: { settled: boolean }): boolean {
  return delivery.settled;
}

/**
 * What rhea's `Incoming.update(delivery, true)` and the pass it asks for do to a pre-settled delivery's
 * session — mark it settled, drop settled deliveries from the head of the buffer, write a session flow
 * when half the incoming window is used — done now, when nothing but the first two is to be done: the
 * delivery is the buffer's head, no delivery waits for a disposition and no flow is due. False (nothing
 * changed) otherwise.
 */
function freeAtOnce(delivery: Delivery): boolean {
  const incoming = (delivery.link as unknown as { readonly session?: { readonly incoming?: IncomingSide } }).session?.incoming;
  if (incoming === undefined) return false;
  const buffer = incoming.deliveries;
  if (incoming.updated.length !== 0 || buffer.size === 0 || buffer.entries[buffer.head] !== delivery) return false;
  if (incoming.max_transfer_id - incoming.next_transfer_id < incoming.window / 2) return false;
  (delivery as { settled: boolean }).settled = true;
  buffer.pop_if(isSettled);
  return true;
}
