import { EventEmitter } from 'node:events';
import type { Connection, Session as RheaSession } from 'rhea';
import { fastEvents } from './fastEvents';
import { connectionInternals, rheaEndpoints, type RheaConstructor } from './internals';
import { internScalars } from './internScalars';
import { lazyObservers } from './lazyObservers';
import { quietDispatch } from './quietDispatch';

const { Session, Sender, Receiver, EndpointState, frames } = rheaEndpoints;

/**
 * Makes `connection` (a client's connection on the broker) create its sessions, and their links, without
 * rhea's per-instance getters: rhea's Session, Incoming and link constructors each define accessors
 * (`error`, `window`, and `source`, `target`, … on a link) with fresh closures on the instance, which gives
 * every session and link its own hidden class. A client may hold thousands of sessions and links on one
 * connection (10 000 session receivers is a real workload, and ~1 000 per connection is within the
 * limits for anyone): the broker side of each cost ~4.3 KB per session and ~6.3 KB per link with rhea's
 * constructors, ~3.1 KB and ~3.6 KB with these. The same accessors are on the prototypes of the objects
 * created here; the fields are rhea's, set the way rhea's constructors set them (copies of rhea 3.0.5's
 * `Connection.create_session`, `Session`, `Incoming`, `Session.create_link` and `link.init`, pinned by
 * test/contracts/leanEndpoints.contract.test.ts). Instance-level: other connections are unaffected.
 */
export function leanEndpoints(connection: Connection): void {
  connectionInternals(connection).create_session = leanCreateSession;
}

type Fields = Record<string, unknown>;
type Self = Record<string, unknown> & { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The prototypes of rhea's session halves and buffer (not exported by `session.js`), from one probe session. */
const probe = new (Session as unknown as new (connection: unknown, channel: number, size: unknown) => Self)({}, 0, undefined);
const IncomingProto = Object.getPrototypeOf(probe['incoming']) as object;
const Outgoing = (probe['outgoing'] as { constructor: new (connection: unknown, size: unknown) => object }).constructor;
const CircularBuffer = ((probe['incoming'] as Self)['deliveries'] as { constructor: new (capacity: number) => Self }).constructor;
const DEFAULT_BUFFER_SIZE = ((probe['incoming'] as Self)['deliveries'] as { capacity: number }).capacity;

/** rhea's `validate_buffer_size` and `get_buffer_size` (session.js). */
function bufferSize(size: unknown, type: 'incoming' | 'outgoing'): number {
  if (!size) return DEFAULT_BUFFER_SIZE;
  const value = typeof size === 'number' ? size : (size as Fields)[type];
  return value && Number.isInteger(Number(value)) ? Number(value) : DEFAULT_BUFFER_SIZE;
}

/**
 * rhea's `_process` of a session or link (`session.js`, `link.js`), which writes the endpoint's `local[frame]`
 * (its begin or attach) when the endpoint's state asks for an open (`need_open()`: `open_requests` > 0): the
 * frame's scalar fields are first made shared values ({@link internScalars}); the endpoint keeps the frame.
 */
function sharingOpenFrame(frame: 'begin' | 'attach', process: () => void): () => void {
  return function (this: Self): void {
    if (this['state'].open_requests > 0) internScalars(this['local'][frame].value as unknown[]);
    process.call(this);
  };
}

/** rhea's Incoming, its `window` accessor on the prototype. */
const LeanIncoming = Object.create(IncomingProto, {
  window: {
    get(this: Self): number {
      return (this['deliveries'] as { available(): number }).available();
    },
  },
}) as object;

/** rhea's Incoming's fields, set by a constructor (its objects have room for them; an `Object.create`d one kept most in a property array of their own). */
function LeanIncomingFields(this: Self, size: unknown): void {
  this['deliveries'] = new CircularBuffer(bufferSize(size, 'incoming'));
  this['updated'] = [];
  this['next_transfer_id'] = 0;
  this['next_delivery_id'] = undefined;
  this['remote_next_transfer_id'] = undefined;
  this['remote_window'] = undefined;
  this['max_transfer_id'] = this['next_transfer_id'] + this['window'];
}
LeanIncomingFields.prototype = LeanIncoming;
const leanIncoming = (size: unknown): Self => new (LeanIncomingFields as unknown as new (size: unknown) => Self)(size);

/** The options of a session or link created without any (rhea gives each an empty object of its own; nothing writes to them). */
const NO_OPTIONS: Fields = Object.freeze({});

/**
 * rhea's Session, its `error` accessor and link creation on the prototype, its `observers` made when
 * first asked for ({@link lazyObservers}), and the broker's quiet dispatch from the start (rhea's own
 * would make them for the first event, `session_open`).
 */
const LeanSession = Object.create(Session.prototype, {
  error: {
    get(this: Self): unknown {
      return this['remote'].end ? this['remote'].end.error : undefined;
    },
  },
  create_link: { value: leanCreateLink, writable: true, configurable: true },
  _process: { value: sharingOpenFrame('begin', (Session.prototype as unknown as Self)['_process'] as () => void), writable: true, configurable: true },
}) as object;
lazyObservers(LeanSession);
quietDispatch(LeanSession as RheaSession, 'session');

/** A session's `local` (rhea's `{ channel, handles, begin, end }`), its end frame made when first used (rhea reads and writes it only to end the session). */
class SessionLocal {
  readonly handles: Record<number, unknown> = {};
  private frame: Record<string, unknown> | undefined;

  constructor(
    public channel: number,
    public begin: Record<string, unknown>,
  ) {}

  get end(): Record<string, unknown> {
    return (this.frame ??= frames.end());
  }

  set end(frame: Record<string, unknown>) {
    this.frame = frame;
  }
}

/**
 * A session's `remote` (rhea's `{ handles }`, then `channel`, `begin` and `end`), without the peer's begin
 * frame: rhea 3.0.5 stores it in `Session.on_begin` and never reads it (its fields are taken there), and
 * neither does the broker; kept, its typed fields were ~400 bytes a session.
 */
class SessionRemote {
  readonly handles: Record<number, unknown> = {};
  channel: number | undefined = undefined;
  end: Record<string, unknown> | undefined = undefined;

  get begin(): undefined {
    return undefined;
  }

  set begin(_frame: unknown) {
    // Not kept (see above).
  }
}

/**
 * A lean session's fields, set by a constructor (not on an `Object.create`d object): V8 gives a constructor's
 * objects room for their fields and the ones the broker's per-session patches add right after (a dozen
 * handlers and state slots); on an `Object.create`d object those additions outgrew V8's fast-property
 * limit and turned each session into a dictionary (an 832-byte property table per session, regrown
 * as each was added).
 */
function LeanSessionFields(this: Self, connection: object, channel: number, size: unknown): void {
  this['connection'] = connection;
  this['session_buffer_size'] = size;
  this['outgoing'] = new Outgoing(connection, size);
  this['incoming'] = leanIncoming(size);
  this['state'] = new EndpointState();
  this['local'] = new SessionLocal(channel, frames.begin({ next_outgoing_id: this['outgoing'].next_transfer_id, incoming_window: this['incoming'].window, outgoing_window: this['outgoing'].window }));
  this['remote'] = new SessionRemote();
  this['links'] = {};
  this['options'] = NO_OPTIONS;
}
LeanSessionFields.prototype = LeanSession;
const NewLeanSession = LeanSessionFields as unknown as new (connection: object, channel: number, size: unknown) => Self;

/** rhea's `Connection.create_session`, creating a lean session. */
function leanCreateSession(this: Self, size: unknown): Self {
  let i = 0;
  while (this['local_channel_map'][i]) i++;
  const session = new NewLeanSession(this, i, size);
  this['local_channel_map'][i] = session;
  return session;
}

/** rhea's `Session.create_link`, creating a lean sender or receiver. */
function leanCreateLink(this: Self, name: string, constructor: RheaConstructor, options: unknown): Self {
  let i = 0;
  while (this['local'].handles[i]) i++;
  const link = Object.create(constructor === Receiver ? LeanReceiver : constructor === Sender ? LeanSender : constructor.prototype) as Self;
  constructor.call(link, this, name, i, options);
  this['links'][name] = link;
  this['local'].handles[i] = link;
  return link;
}

/** The attach fields a link reads from its peer's attach (rhea's `aliases` in link.js). */
const ALIASES = ['snd_settle_mode', 'rcv_settle_mode', 'source', 'target', 'max_message_size', 'offered_capabilities', 'desired_capabilities', 'properties'];
/** Fields of `link.local.attach` rhea's `init` never takes from the options (`is_internal`). */
const INTERNAL = new Set(['name', 'handle', 'role', 'initial_delivery_count']);

function leanLinkPrototype(base: object): object {
  const properties: PropertyDescriptorMap = {
    init: { value: leanInit, writable: true, configurable: true },
    _process: { value: sharingOpenFrame('attach', (base as Self)['_process'] as () => void), writable: true, configurable: true },
    error: {
      get(this: Self): unknown {
        return this['remote'].detach ? this['remote'].detach.error : undefined;
      },
    },
  };
  for (const alias of ALIASES) {
    properties[alias] = {
      get(this: Self): unknown {
        return this['remote'].attach ? this['remote'].attach[alias] : undefined;
      },
    };
  }
  return Object.create(base, properties) as object;
}

const LeanSender = leanLinkPrototype(Sender.prototype);
const LeanReceiver = leanLinkPrototype(Receiver.prototype);

/**
 * A link's `local` (rhea's `{ handle, attach, detach }`), its detach frame made when first used (rhea reads
 * and writes it only to close the link): ~330 bytes less per link that is never detached by the broker.
 */
class LinkLocal {
  attach: Record<string, unknown> | undefined;
  private frame: Record<string, unknown> | undefined;

  constructor(public handle: number) {}

  get detach(): Record<string, unknown> {
    return (this.frame ??= frames.detach({ handle: this.handle, closed: true }));
  }

  set detach(frame: Record<string, unknown>) {
    this.frame = frame;
  }
}

/**
 * rhea's `link.init`, without defining the accessors on the instance (they are on its prototype), its detach
 * frame made when needed, and with a fast-mode listener table for the link and its observers
 * ({@link fastEvents}: a broker link has listeners on both; ~300 bytes less per link).
 */
function leanInit(this: Self, session: Self, name: string, handle: number, options: Fields | undefined, isReceiver: boolean): void {
  this['session'] = session;
  this['connection'] = session['connection'];
  this['name'] = name;
  this['options'] = options === undefined ? NO_OPTIONS : options;
  this['state'] = new EndpointState();
  this['issue_flow'] = false;
  this['local'] = new LinkLocal(handle);
  this['local'].attach = frames.attach({ handle, name, role: isReceiver });
  for (const field in this['local'].attach) {
    if (!INTERNAL.has(field) && this['options'][field] !== undefined) this['local'].attach[field] = this['options'][field];
  }
  this['remote'] = { handle: undefined };
  this['delivery_count'] = 0;
  this['credit'] = 0;
  this['observers'] = fastEvents(new EventEmitter());
  fastEvents(this);
}
