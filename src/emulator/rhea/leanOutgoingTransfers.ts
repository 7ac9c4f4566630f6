import type { Session } from 'rhea';
import { message as codec, type Writer } from './codec';
import { rheaFrames, rheaLog, sessionInternals, type OutgoingDelivery, type OutgoingInternals } from './internals';
import { writeDispositions } from './exactDispositions';
import { wouldDispatch } from './quietDispatch';
import { senderDeliveryContext } from './linkContexts';

/** `00 53 14 d0`: described(smallulong transfer) list32. */
const TRANSFER_START = [0x00, 0x53, 0x14, 0xd0] as const;

/**
 * A transfer performative as rhea's `frames.transfer({handle, message_format, delivery_id, delivery_tag,
 * settled, more})` makes it, but holding its six fields as plain values: {@link encodeTransfer} writes
 * the bytes rhea's Writer writes for the composite, and {@link described} builds the composite for any
 * other writer (rhea's own, while frame logging is on).
 */
export class TransferPerformative {
  constructor(
    readonly handle: number,
    readonly message_format: number,
    readonly delivery_id: number,
    readonly delivery_tag: Buffer,
    readonly settled: boolean,
    readonly more: boolean,
  ) {}

  /** rhea's composite of the same fields (what rhea's Writer writes). */
  described(): unknown {
    const { handle, message_format, delivery_id, delivery_tag, settled, more } = this;
    return rheaFrames.transfer({ handle, message_format, delivery_id, delivery_tag, settled, more }).described();
  }

  /** How rhea's frame log names the performative's type (`transfer#14`, as for rhea's composite). */
  static toString(): string {
    return 'transfer#14';
  }
}

/**
 * Writes one transfer frame of a delivery straight into its connection's outgoing frames (see
 * `writeFramesInPlace`), as rhea's `session.output(transfer, payload)` would have it written; false when
 * that cannot be done now (the connection is not writing in batches at the moment: rhea's way then).
 */
export type DirectTransfer = (channel: number, handle: number, format: number, id: number, tag: Buffer, settled: boolean, more: boolean, payload: Buffer | undefined) => boolean;

/** Where a connection keeps its {@link DirectTransfer} (set by `writeFramesInPlace`). */
export const DIRECT_TRANSFER = Symbol('directTransfer');

/** Writes `transfer` as rhea's Writer writes `frames.transfer({...})` (test/contracts/writeFramesInPlace). */
export function encodeTransfer(writer: Writer, transfer: TransferPerformative): void {
  encodeTransferFields(writer, transfer.handle, transfer.message_format, transfer.delivery_id, transfer.delivery_tag, transfer.settled, transfer.more);
}

/** {@link encodeTransfer} of the six fields. */
export function encodeTransferFields(writer: Writer, handle: number, format: number, id: number, tag: Buffer, settled: boolean, more: boolean): void {
  writer.ensure(writer.position + 4 + 8 + 4 * 5 + 5 + tag.length + 2);
  const b = writer.buffer;
  let at = writer.position;
  for (const byte of TRANSFER_START) b[at++] = byte;
  const size = at;
  at += 4;
  b.writeUInt32BE(6, at);
  at += 4;
  at = putUint(b, at, handle);
  at = putUint(b, at, id);
  if (tag.length > 255) {
    b[at++] = 0xb0;
    b.writeUInt32BE(tag.length, at);
    at += 4;
  } else {
    b[at++] = 0xa0;
    b[at++] = tag.length;
  }
  at += tag.copy(b, at);
  at = putUint(b, at, format);
  b[at++] = settled ? 0x41 : 0x42;
  b[at++] = more ? 0x41 : 0x42;
  b.writeUInt32BE(at - size - 4, size);
  writer.position = at;
}

/** rhea's `wrap_uint`: uint0, smalluint or uint. */
function putUint(b: Buffer, at: number, value: number): number {
  if (value === 0) {
    b[at] = 0x43;
    return at + 1;
  }
  if (value > 255) {
    b[at] = 0x70;
    b.writeUInt32BE(value, at + 1);
    return at + 5;
  }
  b[at] = 0x52;
  b[at + 1] = value;
  return at + 2;
}

/**
 * Makes this (server-side) session send its deliveries with rhea's `Outgoing.process` (`session.js`)
 * restated, with dispositions written by `exactDispositions`' `writeDispositions` (each outcome its
 * own; rhea's folds the second of a range into the first), and transfer performatives that are
 * {@link TransferPerformative}s instead of `frames.transfer` composites (built field by field through
 * rhea's wrappers: ~6 % of the broker's CPU under load). Pair with `writeFramesInPlace` on the
 * connection, which writes them directly: while it writes in batches, each transfer frame goes straight
 * into the batch ({@link DirectTransfer}: no performative, frame object or `output()` pass per frame).
 * Instance-level: other sessions are unaffected.
 */
export function leanOutgoingTransfers(session: Session): void {
  const outgoing = sessionInternals(session).outgoing as unknown as OutgoingInternals & { on_disposition(fields: DispositionFields): void };
  outgoing.process = process;
  outgoing.on_disposition = onDisposition;
}

/** The fields of an incoming disposition performative (rhea's composite: each read unwraps a typed value). */
interface DispositionFields {
  readonly first: number;
  readonly last: number | null | undefined;
  readonly settled: boolean | null | undefined;
  readonly state: unknown;
}

const unwrapOutcome = (codec as unknown as { unwrap_outcome(state: unknown): unknown }).unwrap_outcome;

/**
 * rhea's `Outgoing.on_disposition` (`session.js`, a client settling the broker's deliveries) with the
 * performative's fields read once per frame instead of once or twice per delivery of its range, and
 * the outcome unwrapped once per frame and shared by the range's deliveries (rhea builds one per
 * delivery; nothing changes a delivery's `remote_state` after it is set).
 */
function onDisposition(this: OutgoingInternals, fields: DispositionFields): void {
  const first = fields.first;
  const last = fields.last ? fields.last : first;
  const settled = fields.settled;
  const state = fields.state;
  let outcome: unknown;
  for (let i = first; i <= last; i++) {
    const d = this.deliveries.by_id(i);
    if (d && !d.remote_settled) {
      let updated = false;
      if (settled) {
        d.remote_settled = settled;
        updated = true;
      }
      if (state && state !== d.remote_state) {
        d.remote_state = outcome ??= unwrapOutcome(state);
        updated = true;
      }
      if (updated) this.updated.push(d);
    }
  }
}

function process(this: OutgoingInternals): void {
  let d: OutgoingDelivery | undefined;
  const direct = (this.connection as { [DIRECT_TRANSFER]?: DirectTransfer })[DIRECT_TRANSFER];
  // send pending deliveries for which there is credit:
  while (this.next_pending_delivery < this.next_delivery_id) {
    d = this.deliveries.by_id(this.next_pending_delivery);
    if (d) {
      if (d.link.has_credit()) {
        const numToSend = Math.min(this.transfer_window(), d.data.length - d.next_to_send);
        if (numToSend > 0) {
          this.window -= numToSend;
          const endOfSend = d.next_to_send + numToSend;
          for (let i = d.next_to_send; i < endOfSend; i++) {
            this.next_transfer_id++;
            const more = i + 1 < d.data.length;
            const session = d.link.session;
            const payload = d.data[i];
            if (direct === undefined || !direct(session.local.channel, d.link.local.handle, d.format, d.id, d.tag, d.settled, more, payload)) {
              session.output(new TransferPerformative(d.link.local.handle, d.format, d.id, d.tag, d.settled, more), payload);
            }
          }
          if (endOfSend < d.data.length) {
            d.next_to_send = endOfSend;
            break;
          } else {
            if (d.settled) {
              d.remote_settled = true; // if sending presettled, it can now be cleaned up
            }
            d.link.credit--;
            d.link.delivery_count++;
            this.next_pending_delivery++;
          }
        } else {
          if (rheaLog.flow.enabled) {
            rheaLog.flow(
              '[%s] Incoming window of peer preventing sending further transfers: remote_window=%d, remote_next_transfer_id=%d, next_transfer_id=%d',
              this.connection.options.id,
              this.remote_window,
              this.remote_next_transfer_id,
              this.next_transfer_id,
            );
          }
          break;
        }
      } else {
        if (rheaLog.flow.enabled) rheaLog.flow('[%s] Link has no credit', this.connection.options.id);
        break;
      }
    } else {
      console.error('ERROR: Next pending delivery not found: ' + this.next_pending_delivery);
      break;
    }
  }

  // notify application of any updated deliveries:
  for (let i = 0; i < this.updated.length; i++) {
    d = this.updated[i]!;
    const state = d.remote_state as { constructor: { composite_type?: string } } | undefined;
    if (state && state.constructor.composite_type) {
      // (rhea's `d.link._context({ delivery: d })` made in one object: `senderDeliveryContext`.)
      d.link.dispatch(state.constructor.composite_type, senderDeliveryContext(d.link, d));
    }
    // (Skipped where nobody would hear it: the broker does not listen to its deliveries' 'settled'.)
    if (d.remote_settled && wouldDispatch(d.link, 'settled')) d.link.dispatch('settled', senderDeliveryContext(d.link, d));
  }
  this.updated = [];

  if (this.pending_dispositions.length) {
    writeDispositions(this.pending_dispositions);
    this.pending_dispositions = [];
  }

  // remove any fully settled deliveries:
  this.deliveries.pop_if((delivery) => delivery.settled && delivery.remote_settled);
}

