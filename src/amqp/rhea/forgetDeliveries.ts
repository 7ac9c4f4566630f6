import type { Receiver, Session } from 'rhea';

/** rhea's incoming delivery buffer of a session (`session.js` CircularBuffer); rhea's typings omit it. */
interface IncomingDeliveries {
  incoming: { deliveries: { entries: Array<{ link: unknown; settled: boolean } | undefined>; head: number; size: number; capacity: number } };
}

/**
 * Settles locally (without a disposition: the link is gone) every delivery of `link` that rhea still
 * holds in `session`'s incoming buffer: the messages the link left unsettled, and transfers that crossed
 * its detach. rhea frees buffer slots only in arrival order, so on a session shared by many links one
 * such delivery would otherwise pin every later slot for the session's whole life. Call once the peer
 * answered the detach (no transfer can follow). Instance-level: touches only these deliveries.
 */
export function forgetDeliveries(session: Session, link: Receiver): void {
  const { entries, head, size, capacity } = (session as unknown as IncomingDeliveries).incoming.deliveries;
  for (let i = 0; i < size; i++) {
    const delivery = entries[(head + i) % capacity];
    if (delivery !== undefined && delivery.link === link && !delivery.settled) delivery.settled = true;
  }
}
