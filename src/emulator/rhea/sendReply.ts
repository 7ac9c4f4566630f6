import type { Delivery, Sender } from 'rhea';

/** The members of a sender rhea's `Sender.send` (`link.js`) and `Session.send` (`session.js`) use. */
interface SendingLink {
  next_tag(): Buffer;
  local: { attach: { snd_settle_mode?: number } };
  session: {
    outgoing: { send(sender: unknown, tag: Buffer, data: Buffer, format: number): Delivery & { settled: boolean } };
    connection: { _register(): void };
  };
}

/**
 * `sender.send(bytes, undefined, 0)` — rhea's `Sender.send` and `Session.send` restated for an encoded
 * message with no tag of its own (the broker's replies): the next tag, the session's `outgoing.send`
 * (with whatever the broker installed there), settled when the link sends settled, and a processing
 * pass asked for. The same delivery and bytes as rhea's; a small function of its own, so that a reply
 * does not run (and make V8 optimise again) the `Sender.send` the data path runs with tags of its own
 * (test/contracts/sendReply.contract.test.ts).
 */
export function sendReply(sender: Sender, bytes: Buffer): Delivery {
  const link = sender as unknown as SendingLink;
  const session = link.session;
  const delivery = session.outgoing.send(sender, link.next_tag(), bytes, 0);
  if (link.local.attach.snd_settle_mode === 1) delivery.settled = true;
  session.connection._register();
  return delivery;
}
