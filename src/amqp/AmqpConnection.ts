import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import { Observable, ReplaySubject, switchMap, take, tap, type SchedulerLike } from 'rxjs';
import type { Connection as RheaConnection, ReceiverOptions } from 'rhea';
import { ConnectionEvents, generate_uuid, type Connection } from 'rhea-promise';
import { ConnectionClosedError, type ServiceBusRxError, type TranslateContext } from '../errors';
import { connectionLogger as log, describeError } from '../observability/logger';
import type { CbsToken, TokenProvider } from '../auth/TokenProvider';
import type { AmqpConnectionConfig } from './AmqpConnectionConfig';
import { CbsAuthorizations } from './CbsAuthorizations';
import { createConnection } from './createConnection';
import { MessageSender } from './MessageSender';
import { openLinks, type LinkHost } from './openLinks';
import { openReceiverLink, type ReceiverLink, type ReceiverLinkObserver } from './openReceiverLink';
import { openRequestResponse } from './openRequestResponse';
import { PeerWatchdog } from './PeerWatchdog';
import type { RequestResponseLink } from './RequestResponseLink';
import { shareLink } from './shareLink';
import { SharedSessions } from './SharedSessions';
import { toAmqpOpenError } from './toAmqpOpenError';
import { watchTlsProgress, withTlsHint, type TlsProgress } from './withTlsHint';
import { wrapLinks } from './wrapLinks';

export type { AmqpConnectionConfig } from './AmqpConnectionConfig';

/**
 * One AMQP connection and what is shared on it: the `$cbs` pair (one per connection), CBS token
 * refresh per audience (one scheduled action per audience, not per link), one `$management` pair and
 * one sender per entity (opened lazily, kept until the connection closes). Never reconnects: when the
 * socket drops, {@link lost$} emits and every link on it fails; the owner opens a new connection.
 */
export class AmqpConnection implements LinkHost {
  /** Emits once, when the connection drops or is closed; replays to late subscribers. */
  readonly lost$: Observable<ServiceBusRxError>;
  readonly whenLost: Promise<void>;
  private readonly lostSubject = new ReplaySubject<ServiceBusRxError>(1);
  private resolveLost!: () => void;
  private isLost = false;
  /** Why the connection was lost (set once). */
  lostError: ServiceBusRxError | undefined;
  private readonly lostAbort = new AbortController();
  private closingValue = false;
  private readonly lostListeners = new Set<(error: ServiceBusRxError) => void>();
  /** Receiver links held or being attached, and operations in flight (see {@link using}). */
  private users = 0;
  /** CBS put-tokens and their refresh, per audience. */
  private readonly cbs: CbsAuthorizations;
  private readonly managementLinks = new Map<string, Observable<RequestResponseLink>>();
  /** Management pairs once open (a failed one is replaced on the next `management()` call). */
  private readonly openManagement = new Map<string, RequestResponseLink>();
  private readonly senders = new Map<string, Observable<MessageSender>>();
  /** Session receiver links share AMQP sessions (thousands of sessions on one connection). */
  private readonly receiverSessions: SharedSessions;
  /** `host:port` for log lines. */
  private readonly label: string;
  /** Bounds every wait on the peer; destroys the socket past the bound. */
  readonly waits: PeerWatchdog;
  /** The TCP/TLS socket once connecting (destroyed when the peer stays silent). */
  private socket: Socket | undefined;
  /** True while `close()` waits for the peer's answer (the watchdog bounds that wait). */
  private closeAwaited = false;

  private constructor(
    readonly connection: Connection,
    /** The same connection as rhea's object: receiver links are attached on it directly. */
    rheaConnection: RheaConnection,
    config: AmqpConnectionConfig,
    tokens: TokenProvider,
    scheduler: SchedulerLike,
  ) {
    this.label = `${config.host}:${config.port}`;
    this.lost$ = this.lostSubject.asObservable();
    this.whenLost = new Promise<void>((resolve) => (this.resolveLost = resolve));
    // Every attach in flight listens on it (rhea-promise removes its listener once the attach settles).
    setMaxListeners(0, this.lostAbort.signal);
    this.waits = new PeerWatchdog(config.peerSilenceTimeout, scheduler, (silentMs, waits) =>
      this.destroy(
        new ConnectionClosedError(`The broker sent nothing for ${Math.round(silentMs)} ms while ${waits} answer(s) were awaited: the connection was dropped.`, {
          retryable: true,
        }),
      ),
    );
    this.receiverSessions = new SharedSessions(rheaConnection, this.lostAbort.signal, this.whenLost, this.awaitPeer);
    connection.on(ConnectionEvents.disconnected, () => this.waits.stop());
    const cbs$ = shareLink(openRequestResponse(this, '$cbs', `cbs-${generate_uuid()}`, false));
    this.cbs = new CbsAuthorizations(cbs$, tokens, config.endpoint, scheduler, () => this.isLost);
    connection.on(ConnectionEvents.disconnected, (ctx) => this.markLost(toAmqpOpenError(ctx.error ?? connection.error ?? new Error('socket closed'))));
    connection.on(ConnectionEvents.connectionClose, () => this.markLost(new ConnectionClosedError('The broker closed the connection.', { retryable: true })));
    // rhea-promise re-emits rhea's `error`; without a listener Node would throw it.
    connection.on(ConnectionEvents.error, (ctx) => this.markLost(toAmqpOpenError(ctx.error ?? new Error('connection error'))));
  }

  /**
   * Cold: opens a connection (see {@link createConnection}) and emits it once open, then completes.
   * Errors with `ConnectionClosedError` (retryable) or the translated AMQP error. Unsubscribing
   * before it opens closes it.
   */
  static open(config: AmqpConnectionConfig, tokens: TokenProvider, scheduler: SchedulerLike): Observable<AmqpConnection> {
    return new Observable<AmqpConnection>((subscriber) => {
      const tls: TlsProgress = { tcpConnected: false, secured: false, error: undefined };
      const { connection, rheaConnection } = createConnection(config, (socket) => {
        // Every chunk read tells the watchdog the peer is alive (one assignment).
        socket.on('data', () => amqp.waits.heard());
        amqp.socket = socket;
        if (config.tls) watchTlsProgress(socket, tls);
      });
      const amqp = new AmqpConnection(connection, rheaConnection, config, tokens, scheduler);
      const abort = new AbortController();
      let opened = false;
      log.verbose(`connecting to ${config.host}:${config.port} (${config.tls ? 'TLS' : 'plain TCP'})`);
      // The open (TCP, SASL, AMQP open) is a wait on the peer like any other.
      amqp.awaitPeer(connection.open({ abortSignal: abort.signal })).then(
        () => {
          opened = true;
          log.info(`connected to ${config.host}:${config.port} (${config.tls ? 'TLS' : 'plain TCP'})`);
          if (subscriber.closed) void amqp.close();
          else {
            subscriber.next(amqp);
            subscriber.complete();
          }
        },
        (err: unknown) => {
          // rhea-promise rejects with a bare "Failed to connect": whether TCP connected but TLS never did
          // comes from the socket itself (see watchTlsProgress).
          const opening = toAmqpOpenError(err);
          const hinted = withTlsHint(opening, config, tls);
          amqp.destroy(hinted);
          const error = hinted !== opening ? hinted : (amqp.lostError ?? opening);
          log.warning(`connecting to ${config.host}:${config.port} failed: ${describeError(error)}`);
          subscriber.error(error);
        },
      );
      return () => {
        if (!opened) abort.abort();
      };
    });
  }

  /** @inheritdoc */
  onLost(listener: (error: ServiceBusRxError) => void): void {
    if (this.lostError !== undefined) listener(this.lostError);
    else this.lostListeners.add(listener);
  }

  /** @inheritdoc */
  get lostSignal(): AbortSignal {
    return this.lostAbort.signal;
  }

  /** @inheritdoc */
  offLost(listener: (error: ServiceBusRxError) => void): void {
    this.lostListeners.delete(listener);
  }

  get isOpen(): boolean {
    return !this.isLost && this.connection.isOpen();
  }

  /** @inheritdoc */
  get closing(): boolean {
    return this.closingValue;
  }

  /**
   * Announces {@link close}: from now on links that are closed are not detached one by one (the
   * connection's close releases them all); their close resolves when the connection is gone.
   */
  prepareClose(): void {
    this.closingValue = true;
  }

  /**
   * Closes the connection (every link on it fails with `error`, by default a final
   * `ConnectionClosedError`). Never rejects; resolves once the peer answered the close, or the socket
   * is gone — destroyed if the peer stays silent (see {@link PeerWatchdog}).
   */
  async close(error: ServiceBusRxError = new ConnectionClosedError('The client was closed.', { retryable: false })): Promise<void> {
    this.closingValue = true;
    if (this.isLost) return;
    this.closeAwaited = true;
    this.markLost(error);
    const gone = new Promise<void>((r) => this.connection.once(ConnectionEvents.disconnected, () => r()));
    await this.awaitPeer(Promise.race([this.connection.close().catch(() => undefined), gone]));
    this.waits.stop();
  }

  /**
   * `reply` (an answer the peer owes: attach, detach, end, close), counted as a wait on the peer until
   * it settles: if the peer sends nothing for `peerSilenceTimeout` meanwhile, the socket is destroyed
   * (which ends the wait: everything on the connection fails).
   */
  readonly awaitPeer = <T>(reply: Promise<T>): Promise<T> => this.waits.watch(reply);

  /** Drops the connection at once: every link fails with `error`, the socket is destroyed. */
  destroy(error: ServiceBusRxError): void {
    this.closingValue = true;
    this.markLost(error);
    this.waits.stop();
    // With the error, rhea hears of it ('error'; a plain destroy emits only 'close', which rhea ignores).
    this.socket?.destroy(error);
  }

  /**
   * Cold: `source`, with this connection counted as in use while it is subscribed (what
   * {@link closeIfUnused} asks). Operations that are not a receiver link (sends) run through it.
   */
  using<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.users++;
      const subscription = source.subscribe(subscriber);
      return () => {
        this.users--;
        subscription.unsubscribe();
      };
    });
  }

  /**
   * Closes the connection when nothing uses it: no receiver link held or being attached, no send in
   * flight (the shared `$cbs`, `$management` and sender links alone do not count). What a session
   * does once its lock is lost, as the Python SDK's session receiver does. Links still on it fail with
   * a retryable `ConnectionClosedError`; the client's next operation opens a new connection. Returns
   * whether it closed.
   */
  closeIfUnused(): boolean {
    if (this.users > 0 || this.isLost || this.closingValue) return false;
    void this.close(new ConnectionClosedError('The connection was closed: a session lost its lock and nothing else used the connection.', { retryable: true }));
    return true;
  }

  /** Cold: one CBS put-token for `endpoint + entityPath`; emits the token used, completes. */
  putToken(entityPath: string): Observable<CbsToken> {
    return this.cbs.putToken(entityPath);
  }

  /** Cold: authorizes `entityPath` and keeps it fresh until unsubscribed (see {@link CbsAuthorizations.holdAuthorization}). */
  holdAuthorization(entityPath: string): Observable<void> {
    return this.cbs.holdAuthorization(entityPath);
  }

  /**
   * Authorizes `entityPath`, then attaches a receiver with `options` on a shared AMQP session (see
   * {@link SharedSessions}, {@link openReceiverLink}); tells `observer.next` once attached and stays
   * open; tells `observer.error` when the link fails; unsubscribing detaches it. `watchAttach: false`
   * for an attach the peer may hold on purpose (a next-available session): it is watched only once
   * given up on. The authorization is held for as long as the link is open (that keeps the token
   * fresh), and the connection counts as used from this call until the unsubscription.
   */
  openReceiver(entityPath: string, options: ReceiverOptions, context: TranslateContext, watchAttach: boolean, observer: ReceiverLinkObserver): ReceiverLink {
    this.users++;
    const link = openReceiverLink(this, this.receiverSessions, options, context, watchAttach, observer, this.receiverEnded);
    link.holdWith(this.cbs.hold(entityPath, link, () => link.start()));
    return link;
  }

  /** A receiver link opened by {@link openReceiver} was unsubscribed: one user less (one function for all of them). */
  private readonly receiverEnded = (): void => {
    this.users--;
  };

  /** Shared, lazily opened `<entityPath>/$management` pair (kept until the connection closes). */
  management(entityPath: string): Observable<RequestResponseLink> {
    let link$ = this.managementLinks.get(entityPath);
    if (!link$) {
      const address = `${entityPath}/$management`;
      const replyTo = generate_uuid();
      link$ = shareLink(
        this.holdAuthorization(address).pipe(
          switchMap(() => openRequestResponse(this, address, replyTo, true)),
          tap((link) => this.openManagement.set(entityPath, link)),
        ),
      );
      this.managementLinks.set(entityPath, link$);
    }
    return link$.pipe(take(1));
  }

  /**
   * The `<entityPath>/$management` pair if it is open now (no Observable to subscribe: what each of
   * thousands of renewals asks first); `undefined` otherwise (then use {@link management}).
   */
  openManagementLink(entityPath: string): RequestResponseLink | undefined {
    const link = this.openManagement.get(entityPath);
    if (link !== undefined && !link.failed) return link;
    return undefined;
  }

  /** Shared, lazily opened sender to `entityPath` (kept until the connection closes). */
  sender(entityPath: string): Observable<MessageSender> {
    let sender$ = this.senders.get(entityPath);
    if (!sender$) {
      const name = `${entityPath}-${generate_uuid()}`;
      const context = { entityPath };
      sender$ = shareLink(
        this.holdAuthorization(entityPath).pipe(
          switchMap(() =>
            wrapLinks(
              openLinks(this, (session, abortSignal) => session.createSender({ name, source: { address: name }, target: { address: entityPath }, abortSignal }), (s) => [s], context),
              (sender) => new MessageSender(sender, context, this.waits),
              `sender ${entityPath}`,
            ),
          ),
        ),
      );
      this.senders.set(entityPath, sender$);
    }
    return sender$.pipe(take(1));
  }

  private markLost(error: ServiceBusRxError): void {
    if (this.isLost) return;
    this.isLost = true;
    this.lostError = error;
    log.info(`disconnected from ${this.label}: ${describeError(error)}`);
    this.cbs.clear();
    this.lostSubject.next(error);
    const listeners = [...this.lostListeners];
    this.lostListeners.clear();
    for (const listener of listeners) listener(error);
    this.lostAbort.abort();
    this.resolveLost();
    // Nothing more can be answered (a clean close may end without a 'disconnected' event): no more
    // checks, no deadline left behind — unless our own close still awaits the peer's answer.
    if (!this.closeAwaited) this.waits.stop();
  }
}
