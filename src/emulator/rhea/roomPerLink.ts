import type { Sender } from 'rhea';
import { senderInternals } from './internals';

/** rhea's default session buffer: what a link has when it is alone on its session. */
const SLOTS_PER_LINK = 2048;

/**
 * Gives the AMQP session of `sender` room for {@link SLOTS_PER_LINK} unsettled outgoing deliveries per
 * link on it (never shrinking). A client may attach many receiver links on one session (servicebus-rx
 * shares sessions among up to 256); with rhea's fixed 2048 slots, which it frees only in order, one
 * link's unsettled message would stall every other link on the session. A session with one link (the
 * official SDK's way) keeps rhea's default. rhea grows the buffer's array only as slots are used.
 * Instance-level: other sessions and clients in the same process are unaffected.
 */
export function roomPerLink(sender: Sender): void {
  const session = senderInternals(sender).session;
  const wanted = SLOTS_PER_LINK * Object.keys(session.links).length;
  if (session.outgoing.deliveries.capacity < wanted) session.outgoing.deliveries.capacity = wanted;
}
