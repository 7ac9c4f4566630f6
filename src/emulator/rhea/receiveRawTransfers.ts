import type { Session } from 'rhea';
import { sessionInternals, type SessionInternals, type TransferFrame } from './internals';

/**
 * Marker that stands in for message-format 0 on a patched session, so that rhea hands the broker the
 * transfer's bytes instead of decoding them (`session.js` decodes only format 0).
 */
export const RAW_MESSAGE_FORMAT = -1;

/**
 * Makes rhea deliver format-0 transfers of this (server-side) session as raw Buffers, with
 * `context.format === RAW_MESSAGE_FORMAT`. The broker stores the bytes as they came (every field keeps its
 * AMQP type) and decodes only the sections it needs, instead of decoding and re-encoding each message.
 * Instance-level: clients in the same process are unaffected.
 */
export function receiveRawTransfers(session: Session): void {
  const patched = sessionInternals(session) as RawSession;
  patched[RAW] = patched.on_transfer;
  patched.on_transfer = rawTransfer;
}

const RAW = Symbol('receiveRawTransfers');
type RawSession = SessionInternals & { [RAW]: SessionInternals['on_transfer'] };

/** The patched handler, shared by every patched session (no closure per session). */
function rawTransfer(this: RawSession, frame: TransferFrame): void {
  if (frame.performative.message_format === 0) frame.performative.message_format = RAW_MESSAGE_FORMAT;
  this[RAW].call(this, frame);
}

/** The AMQP message-format of a delivery received on a patched session (0 for a plain message). */
export function messageFormatOf(contextFormat: number | undefined): number {
  return contextFormat === undefined || contextFormat === RAW_MESSAGE_FORMAT ? 0 : contextFormat;
}
