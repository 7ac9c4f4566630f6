import type { Delivery } from 'rhea';

/**
 * Settles a delivery received on a link with `autoaccept: false`. One the peer sent pre-settled (the
 * replies of `$management` and `$cbs`) is marked settled with no disposition to send; an unsettled one
 * is accepted. Either way rhea gets a processing pass soon, which frees the delivery's slot: a reply
 * left in rhea's buffer until the next request (after a burst of renewals, ~20 s later) would be
 * promoted to the old generation with the socket read buffer its payload points into.
 */
export function settleReceived(delivery: Delivery): void {
  if (delivery.remote_settled) delivery.update(true);
  else delivery.accept();
}
