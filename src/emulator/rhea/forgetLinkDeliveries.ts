import type { Sender } from 'rhea';
import { outgoingDeliveries } from './internals';

/**
 * Settles on both ends, locally and without a disposition (the link is gone), every delivery of
 * `sender` still in its session's outgoing buffer: sent ones the client never settled, and any rhea has
 * not written yet (they go out pre-settled). rhea frees buffer slots only in order, so on a session
 * shared by many links (servicebus-rx puts up to 256 on one) one such delivery would pin every later
 * slot until the buffer is full and every link on the session stalls. The messages themselves are
 * released by the queue as usual. Instance-level: touches only these deliveries.
 */
export function forgetLinkDeliveries(sender: Sender): void {
  const { entries, head, size, capacity } = outgoingDeliveries(sender);
  for (let i = 0; i < size; i++) {
    const delivery = entries[(head + i) % capacity];
    if (delivery !== undefined && delivery.link === sender && !(delivery.settled && delivery.remote_settled)) {
      delivery.settled = true;
      delivery.remote_settled = true;
    }
  }
}
