import { message as rheaMessage } from 'rhea';
import { UNDECODED_FORMAT } from './deliverUndecoded';

/** rhea builds outcomes at runtime; its typings omit these constructors. */
const outcomes = rheaMessage as unknown as Record<'accepted' | 'released' | 'modified' | 'rejected', (fields?: Record<string, unknown>) => { described(): unknown }>;

/** rhea's incoming side of a session (`session.js` Incoming); its typings omit it. */
interface Incoming {
  next_transfer_id: number;
  next_delivery_id: number | undefined;
  deliveries: { push(delivery: CompactDelivery): void };
  update(delivery: CompactDelivery, settled: boolean, state: unknown): void;
  on_transfer(frame: TransferFrame, receiver: ReceiverInternals): void;
}

interface TransferFrame {
  readonly performative: {
    readonly delivery_id?: number | null;
    readonly delivery_tag: Buffer;
    readonly message_format: number;
    readonly settled?: boolean;
    readonly state?: unknown;
    readonly more?: boolean;
  };
  readonly payload?: Buffer;
}

/** The rhea receiver fields and methods `Incoming.on_transfer` uses. */
interface ReceiverInternals {
  _incomplete: CompactDelivery | undefined;
  credit: number;
  delivery_count: number;
  local: { attach: { rcv_settle_mode?: number } };
  is_remote_open(): boolean;
  dispatch(event: string, context: unknown): boolean;
  _context(context: Record<string, unknown>): unknown;
}

/**
 * An incoming delivery with the fields and methods of the object rhea 3.0.5 builds in
 * `Incoming.on_transfer` — but one class-shaped object instead of an object literal with five fresh
 * closures that `delete delivery.frames` then turns into a dictionary (~1.5 KB per delivery, and slow
 * property access for every later read of `settled`, `id`, `remote_state`...).
 */
class CompactDelivery {
  settled = false;
  state: unknown = undefined;
  remote_settled: boolean;
  remote_state: unknown;
  /** The transfer's payload frames until the last one arrived; then undefined (rhea deletes it). */
  frames: Buffer[] | undefined;
  incomplete: boolean | undefined = undefined;

  constructor(
    private readonly incoming: Incoming,
    readonly link: ReceiverInternals,
    readonly id: number,
    readonly tag: Buffer,
    readonly format: number,
    remoteSettled: boolean | undefined,
    remoteState: unknown,
    payload: Buffer | undefined,
  ) {
    this.remote_settled = remoteSettled === undefined ? false : remoteSettled;
    this.remote_state = remoteState;
    this.frames = [payload as Buffer];
  }

  update(settled: boolean | undefined, state?: unknown): void {
    this.incoming.update(this, settled === undefined ? this.link.local.attach.rcv_settle_mode !== 1 : settled, state);
  }

  accept(): void {
    this.update(undefined, outcomes.accepted().described());
  }

  release(params?: Record<string, unknown>): void {
    this.update(undefined, params ? outcomes.modified(params).described() : outcomes.released().described());
  }

  reject(error?: unknown): void {
    this.update(undefined, outcomes.rejected({ error }).described());
  }

  modified(params?: Record<string, unknown>): void {
    this.update(undefined, outcomes.modified(params).described());
  }
}

/**
 * rhea 3.0.5's `Incoming.prototype.on_transfer`, statement for statement, building a
 * {@link CompactDelivery} instead of rhea's object literal.
 */
function onTransfer(this: Incoming, frame: TransferFrame, receiver: ReceiverInternals): void {
  this.next_transfer_id++;
  if (!receiver.is_remote_open()) throw Error('transfer after detach');
  const performative = frame.performative;
  if (this.next_delivery_id === undefined) this.next_delivery_id = performative.delivery_id as number;
  let current: CompactDelivery;
  if (receiver._incomplete) {
    current = receiver._incomplete;
    if (performative.delivery_id !== undefined && performative.delivery_id !== null && current.id !== performative.delivery_id) {
      throw Error('frame sequence error: delivery ' + current.id + ' not complete, got ' + performative.delivery_id);
    }
    if (frame.payload) current.frames?.push(frame.payload);
  } else if (this.next_delivery_id === performative.delivery_id) {
    current = new CompactDelivery(this, receiver, performative.delivery_id, performative.delivery_tag, performative.message_format, performative.settled, performative.state, frame.payload);
    this.deliveries.push(current);
    this.next_delivery_id++;
  } else {
    throw Error('frame sequence error: expected ' + this.next_delivery_id + ', got ' + performative.delivery_id);
  }
  current.incomplete = performative.more;
  if (current.incomplete) {
    receiver._incomplete = current;
    return;
  }
  receiver._incomplete = undefined;
  const frames = current.frames as Buffer[];
  const data = frames.length === 1 ? frames[0] : Buffer.concat(frames);
  current.frames = undefined;
  if (receiver.credit > 0) receiver.credit--;
  else console.error('Received transfer when credit was %d', receiver.credit);
  receiver.delivery_count++;
  const context = current.format === 0 ? { message: rheaMessage.decode(data as Buffer), delivery: current } : { message: data, delivery: current, format: current.format };
  receiver.dispatch('message', receiver._context(context));
}

/**
 * {@link onTransfer} for a session whose plain messages arrive undecoded: what {@link deliverUndecoded}
 * does on a rhea session (format 0 read as {@link UNDECODED_FORMAT}), here on its incoming side.
 */
function onTransferUndecoded(this: Incoming, frame: TransferFrame, receiver: ReceiverInternals): void {
  const performative = frame.performative as { message_format: number };
  if (performative.message_format === 0) performative.message_format = UNDECODED_FORMAT;
  onTransfer.call(this, frame, receiver);
}

/**
 * Makes `session` (a rhea session, or rhea-promise's, which exposes rhea's `incoming`) build each
 * incoming delivery as one compact object: what rhea's `Incoming.on_transfer` does, with a class
 * instance in place of its object literal (five closures per delivery, and a `delete` that turns it
 * into a dictionary-mode object): ~1.5 KB less garbage per message and per management reply.
 * Deliveries have the same fields and methods. With `undecoded`, a plain message arrives as
 * {@link deliverUndecoded} delivers it (`context.message` its bytes, `context.format`
 * {@link UNDECODED_FORMAT}): for a rhea-promise session, whose rhea session `deliverUndecoded` cannot
 * reach. Instance-level: other sessions are unaffected.
 */
export function compactDeliveries(session: object, undecoded = false): void {
  (session as { readonly incoming: Incoming }).incoming.on_transfer = undecoded ? onTransferUndecoded : onTransfer;
}
