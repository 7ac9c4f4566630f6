/**
 * The ONE module of the broker that names rhea internals (rhea 3.x): every member the broker reads,
 * wraps or steers that rhea's typings do not declare, and the casts to reach them. Each assumption is
 * checked against the installed rhea by test/contracts/brokerRhea*.test.ts, which fails naming the
 * member if rhea changes. Other broker modules use these accessors instead of their own casts.
 */
import { types as rheaTypes, type Connection, type Delivery, type EventContext, type Receiver, type Sender, type Session, type link } from 'rhea';
import type { EventEmitter } from 'node:events';
import type { Typed } from 'rhea/typings/types';

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
  remote: { handle?: number | undefined; attach?: { value?: unknown } | undefined };
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
  incoming: IncomingInternals;
  outgoing: OutgoingInternals & OutgoingSending & { deliveries: DeliveryBuffer };
  remote: { handles: Record<number, link | undefined> };
  local: { begin: { handle_max?: number } };
}

/** A transfer frame as rhea hands it to `Incoming.on_transfer(frame, receiver)`. */
export interface IncomingTransfer {
  performative: {
    delivery_id?: number | null;
    delivery_tag?: unknown;
    message_format?: number;
    settled?: boolean;
    state?: unknown;
    more?: boolean;
  };
  payload?: Buffer;
}

/** A session's incoming half (`session.js` Incoming): its deliveries and transfer bookkeeping. */
export interface IncomingInternals {
  deliveries: DeliveryBuffer & { push(delivery: object): void; pop_if(test: (delivery: { settled?: boolean }) => boolean): void };
  next_transfer_id: number;
  next_delivery_id: number | null | undefined;
  /** Records a local settlement/state of a delivery for the next disposition. */
  update(delivery: object, settled: boolean, state: unknown): void;
  on_transfer(frame: IncomingTransfer, receiver: ReceivingLink): void;
  /** The deliveries settled since the last pass (`update` appends; `process` writes their dispositions). */
  updated: SettledDelivery[];
  max_transfer_id: number;
  window: number;
  /** Runs once per session pass: dispositions, dropping settled deliveries, flow at half the window. */
  process(session: { _write_flow(): void }): void;
}

/** A settled delivery as rhea's sessions keep it (`session.js`): the fields a disposition is made of. */
export interface SettledDelivery {
  readonly id: number;
  readonly settled: boolean;
  readonly state: unknown;
  readonly link: { is_receiver(): boolean; readonly session: { output(performative: unknown): void } };
}

/** The receiver members `Incoming.on_transfer` uses (`link.js`). */
export interface ReceivingLink {
  _incomplete: object | undefined;
  credit: number;
  delivery_count: number;
  local: { attach: { rcv_settle_mode?: number } };
  is_remote_open(): boolean;
  dispatch(event: string, context: object): boolean;
  _context(extra: object): object;
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
  /** Creates the broker's side of a session the client begins (`Connection.on_begin` calls it). */
  create_session(sessionBufferSize?: unknown): unknown;
  _write_open(): void;
  _write_frame(channel: number, frame: unknown): void;
  local: { open: OpenFrame };
  remote_channel_map: Record<number, unknown>;
  /** rhea's SASL layer of a server connection (`sasl.js` SelectiveServer; index 3 = the SASL server). */
  sasl_transport?: { transports?: { 3?: { outcome?: number } } };
  /** The AMQP layer's frame writer (`transport.js`), for the life of a server connection. */
  amqp_transport: AmqpTransport;
}

/**
 * What rhea's `Connection.prototype.output` (`connection.js`) reads: it writes the transport's pending
 * frames to the socket, then ends the socket of a closed connection and re-arms the heartbeat timers.
 */
export interface OutputInternals {
  output(): void;
  socket: unknown;
  socket_ready: boolean;
  /** The connection's transport (`sasl.js` SelectiveServer on a server connection): writes its pending frames. */
  transport: { write(socket: unknown): void };
  abort_idle: unknown;
  transport_error: unknown;
  is_closed(): boolean;
}

/** rhea's open performative (`frames.js` composite): fields are accessors over `value`. */
export interface OpenFrame {
  value: unknown[];
  idle_time_out?: number;
  channel_max?: number;
  constructor: new (fields: unknown[]) => OpenFrame;
}

export const connectionInternals = (c: import('rhea').Connection): ConnectionInternals => c as unknown as ConnectionInternals;

/** A frame rhea's transport queued (`frames.amqp_frame`): written by `frames.write_frame`. */
export interface OutgoingFrame {
  channel: number;
  /** `frames.TYPE_AMQP` (0) on the AMQP transport. */
  type: number;
  performative?: Typed;
  payload?: Buffer;
}

/** rhea's AMQP transport of a connection (`transport.js`): frames queued by `encode`, written by `write`. */
export interface AmqpTransport {
  pending: OutgoingFrame[];
  header_sent: unknown;
  write(socket: { write(buffer: Buffer): unknown }): void;
  /** Reads the whole frames at the start of `buffer`, dispatching each to `handler`; returns the bytes read. */
  read(buffer: Buffer): number;
  header_received: unknown;
  read_complete: boolean;
  /** `frames.TYPE_AMQP` (0) on the AMQP transport. */
  frame_type: number;
  handler: unknown;
}

/** A frame as rhea's `frames.read_frame` returns it. */
export interface IncomingFrame {
  size: number;
  type: number;
  channel: number;
  performative?: { dispatch(handler: unknown, frame: IncomingFrame): void };
  payload?: Buffer;
}

/** rhea's types by typecode (`types.by_code`). */
export const rheaTypeCodes = (rheaTypes as unknown as { by_code: Record<number, TypeDesc | undefined> }).by_code;

/** rhea's error classes (`lib/errors.js`). */
export const rheaErrors = require('rhea/lib/errors.js') as { ProtocolError: new (message: string) => Error };

/** The AMQP transport rhea created for the connection (`connection.amqp_transport`). */
export const amqpTransport = (c: import('rhea').Connection): AmqpTransport => (c as unknown as { amqp_transport: AmqpTransport }).amqp_transport;

/** A `debug` logger of rhea's: `enabled` is truthy while `DEBUG` names it. */
export interface RheaLogger {
  (format: string, ...args: unknown[]): void;
  enabled?: boolean;
}

/** rhea's loggers (`lib/log.js`, the `debug` package). */
export const rheaLog = require('rhea/lib/log.js') as { frames: RheaLogger; raw: RheaLogger; flow: RheaLogger; io: RheaLogger; events: RheaLogger };

/** rhea's frame codec (`lib/frames.js`): performative constructors (composites of the given fields) and `read_frame`. */
export const rheaFrames = require('rhea/lib/frames.js') as {
  read_frame(buffer: Buffer): IncomingFrame;
  flow(fields: object): { described(): unknown };
  transfer(fields: object): { described(): unknown };
  disposition(fields: object): { described(): unknown };
  begin(fields: object): { described(): unknown };
  attach(fields: object): { described(): unknown };
  detach(fields: object): { described(): unknown };
  end(fields: object): { described(): unknown };
};

/** An outgoing delivery as rhea's `Outgoing.send` makes it (`session.js`). */
export interface OutgoingDelivery {
  id: number;
  tag: Buffer;
  link: {
    local: { handle: number };
    session: { output(performative: unknown, payload?: Buffer): void; local: { channel: number } };
    credit: number;
    delivery_count: number;
    has_credit(): boolean;
    is_receiver(): boolean;
    dispatch(event: string, context: object): boolean;
    _context(extra: object): object;
  };
  data: Buffer[];
  format: number;
  next_to_send: number;
  settled: boolean;
  state: unknown;
  remote_settled: boolean;
  remote_state: unknown;
}

/** What rhea's `Outgoing.send` (`session.js`) uses: the payload limit per frame, the id counter, the buffer, and the `update` a delivery's own calls. */
export interface OutgoingSending {
  next_delivery_id: number;
  deliveries: { push(delivery: object): void };
  compute_max_payload(tag: Buffer): number | undefined;
  update(delivery: object, settled: boolean, state: unknown): void;
  send(sender: unknown, tag: Buffer, data: Buffer, format: number | undefined): object;
}

/** A session's outgoing half (`session.js` Outgoing): what its `process()` reads and writes. */
export interface OutgoingInternals {
  deliveries: { by_id(id: number): OutgoingDelivery | undefined; pop_if(test: (d: OutgoingDelivery) => boolean): void };
  next_pending_delivery: number;
  next_delivery_id: number;
  next_transfer_id: number;
  window: number;
  remote_window: number;
  remote_next_transfer_id: number;
  connection: { options: { id: string } };
  updated: OutgoingDelivery[];
  pending_dispositions: OutgoingDelivery[];
  transfer_window(): number;
  process(): void;
}

/** A session's processing pass and what it walks (`session.js` `_process`, `links`, outgoing buffer). */
export interface PassInternals {
  links: Record<string, link>;
  outgoing: { deliveries: { available(): number } };
  _process(): void;
}

/** rhea links ask their connection for a processing pass with `connection._register()`. */
export interface RegisteringLink {
  name: string;
  session: Session;
  connection: Connection & { _register(): void };
}

/** A session's outgoing deliveries (`session.js` CircularBuffer), slot by slot. */
export interface OutgoingDeliveries {
  session: {
    outgoing: {
      deliveries: {
        entries: Array<{ link: unknown; settled: boolean; remote_settled: boolean } | undefined>;
        head: number;
        size: number;
        capacity: number;
      };
    };
  };
}

/** The session members backpressure uses: the outgoing room check, delivery hand-off and the sender walk. */
export interface BackpressureSession {
  outgoing: { available(): number; send(sender: unknown, tag: unknown, data: Buffer, format: unknown): unknown };
  each_sender(action: (sender: Sender) => void, filter: (sender: Sender) => boolean): void;
}

/** A link's event dispatch (`link.js` / `endpoint` `dispatch`, `_context`). */
export interface DispatchingLink {
  dispatch(event: string, context: EventContext): boolean;
  _context(extra?: object): EventContext;
}

/**
 * A rhea link, session, connection or container as its `dispatch` sees it: `link.js` and `session.js`
 * emit on `observers` first, and pass an unhandled event up to `session` / `connection` / `container`.
 */
export interface DispatchingEmitter extends EventEmitter {
  dispatch(name: string, ...args: unknown[]): boolean;
  observers?: EventEmitter;
  session?: DispatchingEmitter;
  connection?: DispatchingEmitter;
  container?: DispatchingEmitter;
}

export const passInternals = (s: Session): PassInternals => s as unknown as PassInternals;
export const registeringLink = (l: link): RegisteringLink => l as unknown as RegisteringLink;
export const outgoingDeliveries = (s: Sender): OutgoingDeliveries['session']['outgoing']['deliveries'] => (s as unknown as OutgoingDeliveries).session.outgoing.deliveries;
export const backpressureSession = (s: Session): BackpressureSession => s as unknown as BackpressureSession;
export const dispatchingLink = (l: Sender | Receiver | link): DispatchingLink => l as unknown as DispatchingLink;
/** The sessions a connection created, by local channel (`connection.js` `local_channel_map`). */
export const localSessions = (c: Connection): Record<string, Session> => (c as unknown as { local_channel_map: Record<string, Session> }).local_channel_map;
/** The `hostname` of the client's open frame (`connection.remote.open`). */
export const remoteOpenHostname = (c: Connection): unknown => (c as unknown as { remote?: { open?: { hostname?: unknown } } }).remote?.open?.hostname;

/** rhea's type descriptor (`types.js` TypeDesc): width of the fixed part, category 1–4. */
export interface TypeDesc {
  readonly width: number;
  readonly category: number;
}

/** rhea's `types.Reader` (rhea 3.x `types.js`): the methods the bounded reader uses or overrides. */
export interface RheaReader {
  position: number;
  read(): Typed;
  /** Reads a constructor: a typecode, after any number of descriptors (`descriptors` collects them; rhea recurses once per descriptor). */
  read_constructor(descriptors?: Typed[]): { typecode: number; descriptor?: Typed; descriptors?: Typed[] };
  read_uint(width: number): number;
  read_value(type: TypeDesc): Typed;
  read_array_items(n: number, type: TypeDesc): Typed[];
  read_n(n: number): Typed[];
  read_size_count(width: number): { size: number; count: number };
  read_array(type: TypeDesc): Typed;
  read_fixed_width(type: TypeDesc): unknown;
  read_variable_width(type: TypeDesc): unknown;
  remaining(): number;
  read_bytes(n: number): Buffer;
}

export const RheaReaderBase = (rheaTypes as unknown as { Reader: new (buffer: Buffer) => RheaReader }).Reader;


/** A rhea endpoint constructor (`session.js` Session, `link.js` Sender / Receiver, `endpoint.js` EndpointState). */
export interface RheaConstructor {
  new (...args: never[]): object;
  readonly prototype: object;
  call(self: object, ...args: unknown[]): void;
}

/**
 * The members of rhea's endpoint modules that `leanEndpoints` builds on: the Session, Sender, Receiver and
 * EndpointState constructors, and the performative constructors of `frames.js` a session and a link start with.
 */
export const rheaEndpoints = {
  Session: require('rhea/lib/session.js') as RheaConstructor,
  ...(require('rhea/lib/link.js') as { Sender: RheaConstructor; Receiver: RheaConstructor }),
  EndpointState: require('rhea/lib/endpoint.js') as RheaConstructor,
  frames: require('rhea/lib/frames.js') as Record<'begin' | 'end' | 'attach' | 'detach', (fields?: object) => Record<string, unknown>>,
};

/** The members of rhea's modules that `leanConnection` builds on: the Connection and Transport constructors and the open and close performatives. */
export const rheaConnectionParts = {
  Connection: require('rhea/lib/connection.js') as { prototype: object },
  Transport: require('rhea/lib/transport.js') as new (identifier: string, protocolId: number, frameType: number, handler: object) => object,
  EndpointState: rheaEndpoints.EndpointState as unknown as new () => object,
  frames: require('rhea/lib/frames.js') as { TYPE_AMQP: number; open(fields: object): Record<string, unknown>; close(fields: object): Record<string, unknown> },
};
