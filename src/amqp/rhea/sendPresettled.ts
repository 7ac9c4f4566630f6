/** rhea's debug loggers (`lib/log.js`); while frame logging is on, rhea writes (and logs) every frame itself. */
const rheaLog = require('rhea/lib/log.js') as { readonly frames: { readonly enabled: boolean }; readonly raw: { readonly enabled: boolean } };

/** The rhea 3.0.5 connection fields and methods `Connection.output` and `_write_frame` use (`connection.js`); its typings omit them. */
interface ConnectionInternals {
  readonly socket: { write(bytes: Buffer): unknown } | undefined;
  readonly socket_ready: boolean;
  /** The AMQP transport, or (after SASL) rhea's `SaslClient` (`sasl.js`), which hands writes to `next` once its own are complete. */
  readonly transport: { readonly next?: unknown; readonly transport?: { readonly write_complete?: unknown } };
  readonly amqp_transport: { readonly header_sent: unknown; readonly pending: readonly unknown[] };
  readonly abort_idle: boolean;
  readonly transport_error: unknown;
  readonly max_frame_size: number | undefined;
  is_closed(): boolean;
  output(): void;
}

/** A session's outgoing side as rhea 3.0.5's `Outgoing.send` and `Outgoing.process` change it (`session.js`). */
interface OutgoingInternals {
  readonly deliveries: { readonly size: number };
  next_delivery_id: number;
  next_pending_delivery: number;
  next_transfer_id: number;
  window: number;
  transfer_window(): number;
}

/** A rhea sender (`link.js`) and the session fields a transfer of it reads. */
interface SenderInternals {
  readonly session: { readonly connection: ConnectionInternals; readonly outgoing: OutgoingInternals; readonly local: { readonly channel: number }; is_open(): boolean };
  readonly local: { readonly handle: number; readonly attach: { readonly snd_settle_mode?: number } };
  credit: number;
  delivery_count: number;
  tag: number;
  is_open(): boolean;
}

/** Frame header (size, data offset 2 in 4-byte words, type AMQP 0, channel), then `00 53 14 d0`: described(smallulong transfer) list32. */
const HEADER_BYTES = 8;
const TRANSFER_START = [0x00, 0x53, 0x14, 0xd0] as const;
const MAX_UINT = 0xffffffff;

/**
 * Sends `payload` (an encoded AMQP message, format 0) on a pre-settled sender (`snd_settle_mode` 1; rhea's,
 * or rhea-promise's wrapping one) as one transfer frame written straight to the socket, when rhea would
 * send it at once in one frame: the sender is open with credit, its session open with room in the peer's
 * window and nothing else of it to send, the connection writing (protocol header out, no frame waiting,
 * frame logging off) and the payload within one frame. Returns false otherwise: the caller then sends it
 * with rhea's `send`.
 *
 * The frame is the bytes rhea writes for it (`frames.transfer` with handle, message format 0, delivery
 * id, the sender's next tag, settled, not more), and rhea's state moves as sending and settling it would
 * move it — the delivery id and tag used, the transfer id, window, credit and delivery count — with no
 * delivery object (rhea drops a sent pre-settled delivery in the same pass) and no processing pass;
 * then rhea's `output()` runs as after any frame (heartbeat timers, ending a closing connection). What
 * this saves per request: rhea's delivery (and its closure), a processing pass of every session of the
 * connection, the transfer composite built through rhea's type wrappers, and a zero-filled 1 KB frame
 * buffer. test/contracts/sendPresettled checks the bytes and the state against rhea's own send.
 */
export function sendPresettled(sender: object, payload: Buffer): boolean {
  const link = ((sender as { readonly _link?: object })._link ?? sender) as SenderInternals;
  const session = link.session;
  const outgoing = session.outgoing;
  const c = session.connection;
  if (link.local.attach.snd_settle_mode !== 1 || !(link.credit > 0) || !link.is_open() || !session.is_open()) return false;
  if (outgoing.deliveries.size !== 0 || outgoing.next_pending_delivery !== outgoing.next_delivery_id || !(outgoing.transfer_window() > 0)) return false;
  if (!c.socket || !c.socket_ready || !writesAmqp(c) || !c.amqp_transport.header_sent || c.amqp_transport.pending.length !== 0) return false;
  if (c.abort_idle || c.transport_error || c.is_closed() || rheaLog.frames.enabled || rheaLog.raw.enabled) return false;
  const id = outgoing.next_delivery_id;
  const handle = link.local.handle;
  // rhea's `next_tag()`: the decimal digits of the sender's tag counter.
  if (typeof link.tag !== 'number') return false;
  const tag = String(link.tag);
  if (!(id <= MAX_UINT) || !(handle >= 0 && handle <= MAX_UINT) || tag.length > 255) return false;
  const max = c.max_frame_size;
  if (max && payload.length > max - (50 + tag.length)) return false;

  const size = HEADER_BYTES + TRANSFER_START.length + 8 + uintBytes(handle) + uintBytes(id) + 2 + tag.length + 1 + 2 + payload.length;
  const frame = Buffer.allocUnsafe(size);
  frame.writeUInt32BE(size, 0);
  frame[4] = 2;
  frame[5] = 0;
  frame.writeUInt16BE(session.local.channel || 0, 6);
  let at = HEADER_BYTES;
  for (const byte of TRANSFER_START) frame[at++] = byte;
  const listSize = at;
  at += 4;
  frame.writeUInt32BE(6, at);
  at += 4;
  at = putUint(frame, at, handle);
  at = putUint(frame, at, id);
  frame[at++] = 0xa0;
  frame[at++] = tag.length;
  at += frame.write(tag, at, 'latin1');
  frame[at++] = 0x43; // message format 0
  frame[at++] = 0x41; // settled
  frame[at++] = 0x42; // not more
  frame.writeUInt32BE(at - listSize - 4, listSize);
  payload.copy(frame, at);

  // What rhea's Sender.send, Outgoing.send and Outgoing.process would have changed.
  link.tag++;
  outgoing.next_delivery_id++;
  outgoing.next_pending_delivery++;
  outgoing.next_transfer_id++;
  outgoing.window--;
  link.credit--;
  link.delivery_count++;
  c.socket.write(frame);
  c.output();
  return true;
}

/** Whether rhea's `output()` writes the AMQP transport's frames now: it is the transport, or the SASL client's writes are done. */
function writesAmqp(c: ConnectionInternals): boolean {
  const t = c.transport;
  return t === c.amqp_transport || (t.next === c.amqp_transport && t.transport?.write_complete === true);
}

/** Bytes rhea's `wrap_uint` takes for `value`: uint0, smalluint or uint. */
function uintBytes(value: number): number {
  return value === 0 ? 1 : value > 255 ? 5 : 2;
}

/** Writes `value` as rhea's `wrap_uint` encodes it; returns the offset after it. */
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
