import type { Delivery } from 'rhea';

/**
 * Settles a delivery received on a link with `autoaccept: false`. One the peer sent pre-settled (the
 * replies of `$management` and `$cbs`) is only marked settled, so rhea frees its buffer slot on its next
 * pass: rhea's own `update` would schedule a processing pass for nothing to send, and a pass visits every
 * link of the connection (thousands with many sessions). An unsettled one is accepted as usual.
 */
export function settleReceived(delivery: Delivery): void {
  if (delivery.remote_settled) (delivery as unknown as { settled: boolean }).settled = true;
  else delivery.accept();
}
