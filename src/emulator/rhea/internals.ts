import type { Delivery, Sender, Session, link } from 'rhea';

/** Fields of the attach frame the broker sends back (rhea keeps them in `link.local.attach`). */
export interface LocalAttach {
  source?: unknown;
  target?: unknown;
  properties?: Record<string, unknown>;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
}

/** rhea link state the broker steers directly; rhea's typings do not declare it. */
export interface LinkInternals {
  local: { attach: LocalAttach };
  state: { open_requests: number; local_open: boolean };
  credit: number;
  delivery_count: number;
  /** The handle the peer chose (`session.remove_link` frees `remote.handles[remote.handle]`). */
  remote: { handle?: number | undefined };
  /** A receiver's delivery whose last transfer has not arrived yet (`session.js` Incoming.on_transfer). */
  _incomplete?: IncomingDelivery;
}

/** A delivery being received: rhea gathers its transfers' payloads in `frames` until the last one. */
export interface IncomingDelivery {
  id: number;
  frames?: (Buffer | undefined)[];
}

/** A frame as rhea's transport hands it to a session handler. */
export interface FrameOf<P> {
  channel?: number;
  performative: P;
}

/** The fields of a disposition rhea's `on_disposition` reads. */
export interface DeliveryRange {
  role?: boolean;
  first?: unknown;
  last?: unknown;
}

/** rhea's CircularBuffer of a session's deliveries (`session.js`): ids run contiguously from the head's. */
export interface DeliveryBuffer {
  size: number;
  capacity: number;
  available(): number;
  get_head(): { id: number } | undefined;
}

/** rhea sender state, including the drain bookkeeping of `link.js`. */
export interface SenderInternals extends LinkInternals {
  _draining: boolean;
  _drained: boolean;
  _get_drain(): boolean;
  session: {
    outgoing: { available(): number; deliveries: { capacity: number } };
    /** The session's links by name. */
    links: Record<string, unknown>;
  };
}

/** A transfer frame as rhea hands it to `Session.on_transfer`. */
export interface TransferFrame {
  performative: { message_format?: number };
}

/** A session's frame handlers and state (`session.js`), which the broker wraps instance by instance. */
export interface SessionInternals {
  on_transfer(frame: TransferFrame | FrameOf<unknown>): void;
  on_disposition(frame: FrameOf<DeliveryRange>): void;
  on_attach(frame: FrameOf<unknown>): void;
  on_detach(frame: FrameOf<unknown>): void;
  on_end(frame: unknown): void;
  on_flow(frame: FrameOf<unknown>): void;
  incoming: { deliveries: DeliveryBuffer };
  outgoing: { deliveries: DeliveryBuffer };
  remote: { handles: Record<number, link | undefined> };
  local: { begin: { handle_max?: number } };
}

export interface DeliveryInternals {
  remote_settled: boolean;
}

export const linkInternals = (l: link): LinkInternals => l as unknown as LinkInternals;
export const senderInternals = (s: Sender): SenderInternals => s as unknown as SenderInternals;
export const sessionInternals = (s: Session): SessionInternals => s as unknown as SessionInternals;
export const deliveryInternals = (d: Delivery): DeliveryInternals => d as unknown as DeliveryInternals;

/** rhea connection members the broker's transport uses (`connection.js`, `sasl.js`). */
export interface ConnectionInternals {
  /** Feeds bytes read from the socket. */
  input(chunk: Buffer): void;
  /** Starts a server connection on an accepted socket. */
  accept(socket: import('node:net').Socket): unknown;
  on_begin(frame: FrameOf<unknown>): void;
  on_end(frame: FrameOf<unknown>): void;
  _write_open(): void;
  _write_frame(channel: number, frame: unknown): void;
  local: { open: OpenFrame };
  remote_channel_map: Record<number, unknown>;
  /** rhea's SASL layer of a server connection (`sasl.js` SelectiveServer; index 3 = the SASL server). */
  sasl_transport?: { transports?: { 3?: { outcome?: number } } };
}

/** rhea's open performative (`frames.js` composite): fields are accessors over `value`. */
export interface OpenFrame {
  value: unknown[];
  idle_time_out?: number;
  channel_max?: number;
  constructor: new (fields: unknown[]) => OpenFrame;
}

export const connectionInternals = (c: import('rhea').Connection): ConnectionInternals => c as unknown as ConnectionInternals;
