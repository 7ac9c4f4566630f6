import type { Session } from 'rhea';

/**
 * Message format that stands in for 0 (a plain AMQP message) on a session given to
 * {@link deliverUndecoded}: rhea then hands over the transfer's bytes instead of decoding them.
 */
export const UNDECODED_FORMAT = -1;

/** The one rhea session method this module wraps (rhea's typings do not declare it). */
interface TransferHandler {
  on_transfer(frame: { performative: { message_format?: number } }): void;
}

/**
 * Makes rhea deliver this session's plain messages undecoded: `context.message` is the message's
 * encoded bytes (a Buffer) and `context.format` is {@link UNDECODED_FORMAT}. rhea decodes every
 * section of every message as it arrives; a session receiver decodes only when its message's fields
 * are first read (`rhea.message.decode`), so receive-and-complete decodes nothing. Instance-level:
 * other sessions (management, CBS, senders, other clients in the process) are unaffected.
 */
export function deliverUndecoded(session: Session): void {
  const patched = session as unknown as TransferHandler;
  const onTransfer = patched.on_transfer;
  patched.on_transfer = function (this: unknown, frame): void {
    if (frame.performative.message_format === 0) frame.performative.message_format = UNDECODED_FORMAT;
    onTransfer.call(this, frame);
  };
}
