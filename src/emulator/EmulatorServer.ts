import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { emulatorLogger as log } from './emulatorLogger';
import { create_container, type Connection, type Container, type EventContext, type Receiver, type Sender } from 'rhea';
import type { Broker } from './Broker';
import { handleCbsRequest } from './cbs/handleCbsRequest';
import { BrokerConnection, type ConnectionServices } from './connection/BrokerConnection';
import type { EmulatorStats } from './EmulatorHandle';
import type { SasRight } from './config/EmulatorOptions';
import { namespaceStats } from './entities/queueStats';
import { guardWith, type Guard } from './links/guard';
import { openDeliveryLink } from './links/openDeliveryLink';
import { openEntityReceiver } from './links/openEntityReceiver';
import { openReplySender, openRequestReceiver } from './links/requestResponse';
import { encodeReply } from './management/encodeReply';
import { handleManagementRequest } from './management/handleManagementRequest';
import { renewFromBytes } from './management/renewFromBytes';
import { processMarkedLinks, trackLink } from './rhea/processMarkedLinks';
import { receiveRawTransfers } from './rhea/receiveRawTransfers';
import { exactDispositions } from './rhea/exactDispositions';
import { leanIncomingDeliveries } from './rhea/leanIncomingDeliveries';
import { leanOutgoingTransfers } from './rhea/leanOutgoingTransfers';
import { leanOutgoingDeliveries } from './rhea/leanOutgoingDeliveries';
import { acceptConnection } from './transport/acceptConnection';
import { corkPerTick } from './transport/corkPerTick';
import { leanReadFrames } from './rhea/leanReadFrames';
import { writeFramesInPlace } from './rhea/writeFramesInPlace';
import { createLeanConnection } from './rhea/leanConnection';
import { leanEndpoints } from './rhea/leanEndpoints';
import { quietDispatch } from './rhea/quietDispatch';
import type { ConnectionWarden } from './transport/ConnectionWarden';
import type { BrokerLimits } from './transport/BrokerLimits';
import { limitSession } from './rhea/limitSession';
import { remoteOpenHostname, sessionInternals } from './rhea/internals';
import { sniffProtocol } from './http/sniffProtocol';
import { Conditions, type AmqpError } from './wire/conditions';

const CBS_NODE = '$cbs';
/** How long `close()` lets clients answer the broker's close before cutting their sockets. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The AMQP side of the broker: a rhea container listening on TCP, routing each client link to its
 * node (`$cbs`, an entity's `$management`, a queue or dead-letter queue), tracking connections so that
 * everything a client held is released when it detaches, ends a session or disconnects. Every rhea event
 * handler is guarded: a failure on one connection is reported and never reaches the others.
 */
export class EmulatorServer {
  private readonly container: Container;
  private readonly connections = new Map<Connection, BrokerConnection>();
  private readonly sockets = new Set<Socket>();
  /** The limit enforcement of each rhea connection (from accept; sessions are put under its limits). */
  private readonly wardens = new WeakMap<Connection, ConnectionWarden>();
  private readonly guard: Guard;
  /** What every connection's {@link BrokerConnection} uses (one object for all, not one per connection). */
  private readonly connectionServices: ConnectionServices;
  private server: Server | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly broker: Broker,
    private readonly limits: BrokerLimits,
    /** Detach links whose token lapsed (off under a caller's virtual clock; see ConnectionServices). */
    enforceTokenExpiry = true,
    /** Takes connections whose first bytes are an HTTP request; without it every connection is AMQP. */
    private readonly http?: (socket: Socket) => void,
  ) {
    this.guard = guardWith(broker.warn);
    this.connectionServices = { now: () => broker.now(), deadlines: broker.deadlines, enforceTokenExpiry };
    this.container = create_container({
      id: 'servicebus-rx-emulator',
      // Outcomes are handled one by one (modified is abandon or defer, not "released").
      sender_options: { treat_modified_as_released: false },
      // Transfers are settled by the broker once stored (or rejected with the reason).
      receiver_options: { autoaccept: false },
    });
    // Events (one or more per message) reach their listeners without rhea's per-event garbage.
    quietDispatch(this.container, 'container');
    this.wire();
  }

  /** Starts listening; resolves with the bound address. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    const server = createServer((socket) => this.route(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
      server.listen({ port, host });
    });
    server.on('error', (error: Error) => this.broker.warn(`Emulator listener error: ${error.message}`));
    return server.address() as AddressInfo;
  }

  /** A new socket: to the HTTP side when its first bytes are an HTTP request (and there is one), else AMQP. */
  private route(socket: Socket): void {
    const http = this.http;
    if (http === undefined || this.sockets.size >= this.limits.maxConnections || this.closing !== undefined) return this.accept(socket);
    // Counted and closed with the others while its first bytes are awaited; then the side it goes to owns it.
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    sniffProtocol(socket, this.broker.clock, (protocol, sniffed) => {
      this.sockets.delete(sniffed);
      // Once closing, a socket sniffed late goes to `accept`, which closes it.
      if (protocol === 'http' && this.closing === undefined) http(sniffed);
      else this.accept(sniffed);
    });
  }

  /**
   * A new client socket: a rhea server connection behind a frame guard and a warden, unless the broker
   * already holds `maxConnections` (the socket is then closed at once).
   */
  private accept(socket: Socket): void {
    if (this.sockets.size >= this.limits.maxConnections || this.closing !== undefined) {
      socket.on('error', () => undefined);
      socket.destroy();
      if (this.closing === undefined) this.broker.warn(`Refused a client connection: the broker holds ${this.limits.maxConnections} connections (limits.maxConnections).`);
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined); // rhea reports socket errors as 'disconnected'
    // No Nagle: with it, request/response round trips stall ~40 ms on delayed ACKs (gotcha G9).
    socket.setNoDelay(true);
    // The frames of one processing pass leave in one write (fewer segments and wake-ups at the client).
    corkPerTick(socket);
    try {
      // Without rhea's per-connection accessors and closures (a fuzzer or a busy client opens thousands).
      const connection = createLeanConnection(this.container, { max_frame_size: this.limits.maxFrameBytes, channel_max: this.limits.channelMax } as never);
      // The frames of a tick are encoded into one batch and written as one chunk, not a fresh 1 KB buffer and a write each.
      writeFramesInPlace(connection);
      // Incoming flow / transfer / disposition frames are decoded without rhea's generic per-value path.
      leanReadFrames(connection);
      // Sessions and links without per-instance accessors (~3 KB less each: a client may open thousands).
      leanEndpoints(connection);
      quietDispatch(connection, 'connection');
      this.wardens.set(connection, acceptConnection(connection, socket, this.limits, this.broker));
    } catch (error: unknown) {
      this.broker.warn(`Could not accept a client connection: ${String(error)}`);
      socket.destroy();
    }
  }

  stats(): EmulatorStats {
    return { connections: this.connections.size, ...namespaceStats(this.broker.namespace) };
  }

  /** Stops listening, detaches every entity link, closes every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    const closed = new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    const forced: AmqpError = { condition: Conditions.connectionForced, description: 'The emulator is shutting down.' };
    for (const [connection, state] of this.connections) {
      state.detachAll({ condition: Conditions.detachForced, description: forced.description });
      state.dispose();
      connection.close(forced);
    }
    this.connections.clear();
    this.broker.deadlines.close();
    const cut = this.broker.clock.schedule(() => {
      for (const socket of this.sockets) socket.destroy();
    }, CLOSE_GRACE_MS);
    try {
      await closed;
    } finally {
      cut.unsubscribe();
    }
  }

  private wire(): void {
    const on = (event: string, handler: (context: EventContext) => void): void => {
      this.container.on(event, this.guard(handler));
    };
    on('connection_open', ({ connection }) => {
      if (log.info.enabled) log.info(`connection '${connection.container_id}' opened (${connectionPeer(connection)})`);
      if (this.closing !== undefined) connection.close({ condition: Conditions.connectionForced, description: 'The emulator is shutting down.' });
      else this.connections.set(connection, new BrokerConnection(this.connectionServices, namespaceHostOf(connection)));
    });
    on('session_open', ({ connection, session }) => {
      if (!session) return;
      // Before the warden's backpressure wraps outgoing.send.
      leanOutgoingDeliveries(session);
      const warden = this.wardens.get(connection);
      if (warden !== undefined) {
        limitSession(session, this.limits, warden.links, warden.violate);
        warden.throttle(session);
        sessionInternals(session).local.begin.handle_max = this.limits.handleMax;
      }
      receiveRawTransfers(session);
      leanIncomingDeliveries(session);
      exactDispositions(session);
      leanOutgoingTransfers(session);
      processMarkedLinks(session);
      quietDispatch(session, 'session');
    });
    on('session_close', ({ connection, session }) => session && this.connections.get(connection)?.releaseSession(session));
    for (const event of ['connection_close', 'connection_error', 'disconnected']) {
      on(event, ({ connection }) => {
        if (log.info.enabled && this.connections.has(connection)) log.info(`connection '${connection.container_id}' closed (${event})`);
        this.dropConnection(connection);
      });
    }
    // First: a link is tracked before anything routes it (and may change its state).
    on('sender_open', ({ sender }) => sender && (trackLink(sender), quietDispatch(sender, 'link')));
    on('receiver_open', ({ receiver }) => receiver && (trackLink(receiver), quietDispatch(receiver, 'link')));
    // Diagnostics (verbose): links attached and detached.
    on('sender_open', ({ connection, sender }) => sender && log.verbose.enabled && log.verbose(`link '${sender.name}' attached on '${connection.container_id}': broker sends from '${sender.source?.address ?? ''}'`));
    on('receiver_open', ({ connection, receiver }) => receiver && log.verbose.enabled && log.verbose(`link '${receiver.name}' attached on '${connection.container_id}': broker receives for '${receiver.target?.address ?? ''}'`));
    for (const event of ['sender_close', 'receiver_close', 'sender_error', 'receiver_error']) {
      on(event, (context) => {
        const link = context.sender ?? context.receiver;
        if (link && log.verbose.enabled) log.verbose(`link '${link.name}' detached (${event})${link.error ? `: ${describeAmqpError(link.error)}` : ''}`);
      });
    }
    on('sender_open', ({ connection, sender }) => sender && this.withConnection(connection, sender, (state) => this.routeSender(sender, state)));
    on('receiver_open', ({ connection, receiver }) => receiver && this.withConnection(connection, receiver, (state) => this.routeReceiver(receiver, state)));
    // A detached link no longer needs authorisation (and rhea must not turn a client's detach error into a container 'error').
    for (const event of ['sender_error', 'sender_close']) on(event, ({ connection, sender }) => sender && this.connections.get(connection)?.untrackLink(sender));
    for (const event of ['receiver_error', 'receiver_close']) on(event, ({ connection, receiver }) => receiver && this.connections.get(connection)?.untrackLink(receiver));
    on('session_error', () => undefined);
    this.container.on('protocol_error', (error: unknown) => this.broker.warn(`AMQP protocol error from a client: ${String(error)}`));
    this.container.on('error', (error: unknown) => this.broker.warn(`AMQP error: ${String(error)}`));
  }

  private dropConnection(connection: Connection): void {
    const state = this.connections.get(connection);
    if (state === undefined) return;
    this.connections.delete(connection);
    state.dispose();
  }

  /** Runs `route` for a link of a known connection; a failure detaches the link with `amqp:internal-error`. */
  private withConnection(connection: Connection, link: Sender | Receiver, route: (state: BrokerConnection) => void): void {
    const state = this.connections.get(connection);
    if (state === undefined) {
      link.close({ condition: Conditions.detachForced, description: 'The connection is closing.' });
      return;
    }
    try {
      route(state);
    } catch (error: unknown) {
      link.close({ condition: Conditions.internalError, description: 'The emulator failed to open this link.' });
      throw error;
    }
  }

  /** A client receiver: `$cbs` replies, `$management` replies, or deliveries from a queue. */
  private routeSender(sender: Sender, connection: BrokerConnection): void {
    const address = sender.source?.address;
    if (address === CBS_NODE) return openReplySender(sender, CBS_NODE, connection, this.guard);
    const entity = this.authorisedEntity(sender, address, connection, 'Listen');
    if (entity === undefined) return;
    if (entity.management) return openReplySender(sender, String(address), connection, this.guard);
    if (entity.queue === undefined) {
      sender.close({ condition: Conditions.notAllowed, description: topicReceiveRefusal(String(address)) });
      return;
    }
    openDeliveryLink(sender, entity.queue, connection, this.broker, this.guard);
  }

  /** A client sender: `$cbs` requests, `$management` requests, or messages for a queue. */
  private routeReceiver(receiver: Receiver, connection: BrokerConnection): void {
    const address = receiver.target?.address;
    const broker = this.broker;
    if (address === CBS_NODE) {
      return openRequestReceiver(receiver, CBS_NODE, connection, this.guard, broker.warn, (request) => handleCbsRequest(request, broker, connection));
    }
    const entity = this.authorisedEntity(receiver, address, connection, 'Send');
    if (entity === undefined) return;
    if (entity.management) {
      const path = entityPath(String(address));
      return openRequestReceiver(
        receiver,
        String(address),
        connection,
        this.guard,
        broker.warn,
        (request) => handleManagementRequest(request, entity, broker, connection, connection.rightsFor(path, broker.now())),
        encodeReply,
        (bytes) => renewFromBytes(bytes, entity, broker, connection, connection.rightsFor(path, broker.now())),
      );
    }
    if (entity.sink === undefined) {
      receiver.close({ condition: Conditions.notAllowed, description: `Messages cannot be sent to '${String(address)}': send to a queue or a topic.` });
      return;
    }
    openEntityReceiver(receiver, entity.sink, broker, this.guard);
  }

  /**
   * Resolves a link address; refuses the link (not found / unauthorised) and returns `undefined` otherwise.
   * An entity link needs a put-token granting `right` (Listen to receive, Send to send); a `$management`
   * link needs any right (each operation checks its own). The link is then tracked: it is detached when
   * its token lapses without renewal.
   */
  private authorisedEntity(link: Sender | Receiver, address: unknown, connection: BrokerConnection, right: SasRight) {
    const entity = typeof address === 'string' ? this.broker.namespace.resolve(address) : undefined;
    if (entity === undefined) {
      link.close({ condition: Conditions.notFound, description: `The messaging entity '${String(address)}' could not be found.` });
      return undefined;
    }
    const path = entityPath(String(address));
    const needed = entity.management ? undefined : right;
    if (!connection.isAuthorised(path, this.broker.now(), needed)) {
      const authorisedAtAll = connection.isAuthorised(path, this.broker.now());
      link.close({
        condition: Conditions.unauthorizedAccess,
        description: authorisedAtAll
          ? `Unauthorized access. '${right}' claim(s) are required to perform this operation on '${String(address)}'.`
          : `Unauthorized access to '${String(address)}': send a put-token for this entity on $cbs first.`,
      });
      return undefined;
    }
    connection.trackLink(link, path, needed);
    return entity;
  }
}

/** Service Bus refuses receivers on a topic: messages are received from its subscriptions. */
function topicReceiveRefusal(address: string): string {
  return `Cannot create a message receiver on the topic '${address}': receive from one of its subscriptions ('${address}/Subscriptions/<name>').`;
}

/** The entity path of a link address (`q`, `q/$management`, `sb://host/q`), lower-case, for authorisation. */
function entityPath(address: string): string {
  return address.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** The host a client addressed in its open (`hostname`, without port), lower-case; `localhost` when it sent none. */
function namespaceHostOf(connection: Connection): string {
  const hostname = remoteOpenHostname(connection);
  if (typeof hostname !== 'string' || hostname.length === 0) return 'localhost';
  const host = hostname.toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

/** `host:port` of the peer, for log lines. */
function connectionPeer(connection: Connection): string {
  const socket = (connection as unknown as { socket?: { remoteAddress?: string; remotePort?: number } }).socket;
  return socket?.remoteAddress === undefined ? 'unknown peer' : `${socket.remoteAddress}:${socket.remotePort ?? ''}`;
}

function describeAmqpError(error: unknown): string {
  const e = error as { condition?: unknown; description?: unknown };
  return `${String(e.condition ?? 'error')}${typeof e.description === 'string' ? ` ${e.description}` : ''}`;
}
