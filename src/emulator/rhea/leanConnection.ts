import type { Connection, Container, ConnectionOptions } from 'rhea';
import { rheaConnectionParts } from './internals';

type Self = Record<string, unknown> & { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const { Connection: RheaConnection, Transport, EndpointState, frames } = rheaConnectionParts;

/** AMQP's protocol id in the protocol header (rhea's `AMQP_PROTOCOL_ID`). */
const AMQP_PROTOCOL_ID = 0x00;

/** The open fields a connection reads from its peer's open and sends from its options (rhea's `aliases` in connection.js). */
const ALIASES = ['container_id', 'hostname', 'max_frame_size', 'channel_max', 'idle_time_out', 'outgoing_locales', 'incoming_locales', 'offered_capabilities', 'desired_capabilities', 'properties'];

let counter = 1;

/**
 * Stands for rhea's per-connection reconnect backoff (a closure pair per connection): rhea calls it only for
 * connections it opened (`!is_server`), and reads it as truthy when the peer closes with a non-fatal error.
 * An accepted connection never reconnects; -1 is rhea's "no more attempts".
 */
function noReconnect(): number {
  return -1;
}

/** Stands for rhea's `connection_details` closure: only `connect()` reads it, and a broker connection is accepted, never connected. */
function notConnectable(): never {
  throw new Error('A broker connection is accepted, not connected.');
}

/** rhea's `session_per_connection` (the session `attach_sender` / `attach_receiver` use), one object instead of a closure and its scope. */
class SessionPolicy {
  private session: Self | null = null;

  constructor(
    private readonly connection: Self,
    private readonly size: unknown,
  ) {}

  get_session(): Self {
    if (!this.session) {
      const session = this.connection['create_session'](this.size) as Self;
      this.session = session;
      session['observers'].on('session_close', () => {
        this.session = null;
      });
      session['begin']();
    }
    return this.session;
  }
}

/** A connection's `local` (rhea's `{ open, close }`), its close frame made when first used (rhea reads and writes it only to close). */
class ConnectionLocal {
  private frame: Record<string, unknown> | undefined;

  constructor(public open: Record<string, unknown>) {}

  get close(): Record<string, unknown> {
    return (this.frame ??= frames.close({}));
  }

  set close(frame: Record<string, unknown>) {
    this.frame = frame;
  }
}

/** rhea's Connection, its `error` and open-field accessors on the prototype. */
const LeanConnectionPrototype = Object.create(RheaConnection.prototype, {
  error: {
    get(this: Self): unknown {
      return this['remote'].close ? this['remote'].close.error : undefined;
    },
  },
  ...Object.fromEntries(
    ALIASES.map((alias) => [
      alias,
      {
        get(this: Self): unknown {
          return this['remote'].open ? this['remote'].open[alias] : undefined;
        },
      },
    ]),
  ),
}) as object;

/**
 * rhea 3.0.5's Connection constructor for a connection the broker accepts (always given options, never
 * reconnecting), its fields set by a constructor so the broker's per-connection patches land in them.
 */
function LeanConnectionFields(this: Self, options: Record<string, unknown>, container: Self): void {
  this['options'] = { ...options };
  this['session_buffer_size'] = options['session_buffer_size'];
  this['container'] = container;
  if (!this['options'].id) this['options'].id = `connection-${counter++}`;
  if (!this['options'].container_id) this['options'].container_id = container['id'];
  if (!this['options'].connection_details) this['options'].connection_details = notConnectable;
  const reconnect = this['get_option']('reconnect', true) as unknown;
  this['options'].reconnect = reconnect === false ? false : noReconnect;
  this['registered'] = false;
  this['state'] = new EndpointState();
  this['local_channel_map'] = {};
  this['remote_channel_map'] = {};
  const open: Record<string, unknown> = {};
  for (const name of ALIASES) if (this['options'][name] !== undefined) open[name] = this['options'][name];
  this['local'] = new ConnectionLocal(frames.open(open));
  this['remote'] = {};
  this['session_policy'] = new SessionPolicy(this, this['session_buffer_size']);
  this['amqp_transport'] = new Transport(this['options'].id, AMQP_PROTOCOL_ID, frames.TYPE_AMQP, this);
  this['sasl_transport'] = undefined;
  this['transport'] = this['amqp_transport'];
  this['conn_established_counter'] = 0;
  this['heartbeat_out'] = undefined;
  this['heartbeat_in'] = undefined;
  this['abort_idle'] = undefined;
  this['socket_ready'] = false;
  this['scheduled_reconnect'] = undefined;
  this['default_sender'] = undefined;
  this['closed_with_non_fatal_error'] = false;
}
LeanConnectionFields.prototype = LeanConnectionPrototype;
const NewLeanConnection = LeanConnectionFields as unknown as new (options: Record<string, unknown>, container: Container) => Connection;

/**
 * What `container.create_connection(options)` makes, for a client connection the broker accepts, without
 * rhea's per-instance accessors and closures: rhea's constructor defines eleven getters (`error`,
 * `container_id`, `hostname`, …) with a fresh closure each, a reconnect backoff, a `connection_details`
 * and a session-policy closure per connection, and the accessors leave each connection a dictionary
 * (a ~1.6 KB property table). A fuzzer or a busy client opens thousands of short connections; each
 * lived long enough to be promoted. The same accessors are on the prototype; the fields are rhea's
 * (a copy of rhea 3.0.5's `Connection`, pinned by test/contracts/leanConnection.contract.test.ts).
 */
export function createLeanConnection(container: Container, options: ConnectionOptions): Connection {
  return new NewLeanConnection(options as unknown as Record<string, unknown>, container);
}
