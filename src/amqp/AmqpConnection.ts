import { setMaxListeners } from 'node:events';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  defer,
  map,
  Observable,
  ReplaySubject,
  share,
  switchMap,
  take,
  tap,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { create_connection as createRheaConnection, type Connection as RheaConnection, type ReceiverOptions } from 'rhea';
import { Connection, ConnectionEvents, Container, generate_uuid, type ConnectionOptions, type Receiver, type Sender } from 'rhea-promise';
import { ConnectionClosedError, type ServiceBusRxError, type TranslateContext } from '../errors';
import type { CbsToken, TokenProvider } from '../auth/TokenProvider';
import { MessageSender } from './MessageSender';
import { openLinks, type LinkHost, type OpenedLinks } from './openLinks';
import { openReceiverLink, type OpenedReceiver } from './openReceiverLink';
import { corkPerTick } from './corkPerTick';
import { RequestResponseLink } from './RequestResponseLink';
import { SharedSessions } from './SharedSessions';
import { toAmqpOpenError } from './toAmqpOpenError';

/** Where and how to connect. */
export interface AmqpConnectionConfig {
  readonly host: string;
  readonly port: number;
  /** TLS (Azure, port 5671) or plain TCP (development emulator, port 5672). */
  readonly tls: boolean;
  /** `sb://host[:port]/`: prefix of every CBS audience. */
  readonly endpoint: string;
  /** SASL ANONYMOUS initial response (the key name); no SASL layer when undefined. */
  readonly saslUsername: string | undefined;
}

/** How long rhea-promise waits for open/begin/attach/detach replies (next-session attaches may be held 65 s). */
const RHEA_OPERATION_TIMEOUT_SECONDS = 90;
/** After a failed CBS refresh, try again this much later (bounded by the token's expiry). */
const REFRESH_RETRY_MS = 30_000;

/** What holds an authorization: told when it can no longer be kept fresh. */
interface AuthorizationHolder {
  error(err: unknown): void;
}

interface AudienceHold {
  holders: Set<AuthorizationHolder>;
  timer: Subscription | undefined;
  expiresOn: number;
}

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
  private lostError: ServiceBusRxError | undefined;
  private readonly lostAbort = new AbortController();
  private closingValue = false;
  private readonly lostListeners = new Set<(error: ServiceBusRxError) => void>();
  /** Receiver links held or being attached, and operations in flight (see {@link using}). */
  private users = 0;
  private readonly audiences = new Map<string, AudienceHold>();
  private readonly managementLinks = new Map<string, Observable<RequestResponseLink>>();
  /** Management pairs once open (a failed one is replaced on the next `management()` call). */
  private readonly openManagement = new Map<string, RequestResponseLink>();
  private readonly senders = new Map<string, Observable<MessageSender>>();
  private readonly cbs$: Observable<RequestResponseLink>;
  /** Session receiver links share AMQP sessions (thousands of sessions on one connection). */
  private readonly receiverSessions: SharedSessions;

  private constructor(
    readonly connection: Connection,
    /** The same connection as rhea's object: receiver links are attached on it directly. */
    rheaConnection: RheaConnection,
    private readonly config: AmqpConnectionConfig,
    private readonly tokens: TokenProvider,
    private readonly scheduler: SchedulerLike,
  ) {
    this.lost$ = this.lostSubject.asObservable();
    this.whenLost = new Promise<void>((resolve) => (this.resolveLost = resolve));
    // Every attach in flight listens on it (rhea-promise removes its listener once the attach settles).
    setMaxListeners(0, this.lostAbort.signal);
    this.receiverSessions = new SharedSessions(rheaConnection, this.lostAbort.signal, this.whenLost);
    connection.on(ConnectionEvents.disconnected, (ctx) => this.markLost(toAmqpOpenError(ctx.error ?? connection.error ?? new Error('socket closed'))));
    connection.on(ConnectionEvents.connectionClose, () => this.markLost(new ConnectionClosedError('The broker closed the connection.', { retryable: true })));
    // rhea-promise re-emits rhea's `error`; without a listener Node would throw it.
    connection.on(ConnectionEvents.error, (ctx) => this.markLost(toAmqpOpenError(ctx.error ?? new Error('connection error'))));
    this.cbs$ = this.sharedLink(this.openRequestResponse('$cbs', `cbs-${generate_uuid()}`, false));
  }

  /**
   * Cold: opens a connection (`tcp_no_delay`, no reconnect) and emits it once open, then completes.
   * Errors with `ConnectionClosedError` (retryable) or the translated AMQP error. Unsubscribing
   * before it opens closes it.
   */
  static open(config: AmqpConnectionConfig, tokens: TokenProvider, scheduler: SchedulerLike): Observable<AmqpConnection> {
    return new Observable<AmqpConnection>((subscriber) => {
      const options = {
        host: config.host,
        hostname: config.host,
        port: config.port,
        transport: config.tls ? 'tls' : 'tcp',
        ...(config.tls ? { servername: config.host } : {}),
        ...(config.saslUsername === undefined ? {} : { username: config.saslUsername }),
        reconnect: false,
        idle_time_out: 60_000,
        // Nagle + delayed ACK costs ~40 ms per request/response round trip (gotcha G9).
        tcp_no_delay: true,
        operationTimeoutInSeconds: RHEA_OPERATION_TIMEOUT_SECONDS,
        properties: { product: 'servicebus-rx', platform: `(${process.arch}-${process.platform})`, framework: `Node/${process.version}` },
      } as ConnectionOptions;
      // Our own socket factory: the socket writes each processing pass's frames at once (corkPerTick).
      options.connection_details = () => ({
        host: config.host,
        port: config.port,
        options,
        connect: (port: number, host: string, tlsOptions: TlsConnectionOptions, onConnect: () => void): Socket => {
          const socket = config.tls ? tlsConnect(port, host, tlsOptions, onConnect) : tcpConnect(port, host, onConnect);
          corkPerTick(socket);
          return socket;
        },
      });
      // Created with rhea and wrapped (rhea-promise's documented way to adopt a rhea connection), so
      // that session receivers can use rhea directly (see openReceiverLink).
      const rheaConnection = createRheaConnection(options);
      const connection = new Connection({
        rheaConnection,
        container: Container.copyFromContainerInstance(rheaConnection.container),
        operationTimeoutInSeconds: RHEA_OPERATION_TIMEOUT_SECONDS,
      });
      const amqp = new AmqpConnection(connection, rheaConnection, config, tokens, scheduler);
      const abort = new AbortController();
      let opened = false;
      connection.open({ abortSignal: abort.signal }).then(
        () => {
          opened = true;
          if (subscriber.closed) void amqp.close();
          else {
            subscriber.next(amqp);
            subscriber.complete();
          }
        },
        (err: unknown) => {
          amqp.markLost(toAmqpOpenError(err));
          subscriber.error(toAmqpOpenError(err));
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

  /** Closes the connection (every link on it fails with `error`, by default a final `ConnectionClosedError`). Never rejects. */
  async close(error: ServiceBusRxError = new ConnectionClosedError('The client was closed.', { retryable: false })): Promise<void> {
    this.closingValue = true;
    if (this.isLost) return;
    this.markLost(error);
    await Promise.race([this.connection.close().catch(() => undefined), new Promise<void>((r) => this.connection.once(ConnectionEvents.disconnected, () => r()))]);
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
    const audience = this.config.endpoint + entityPath;
    return this.tokens.getToken(audience).pipe(
      switchMap((token) =>
        this.cbs$.pipe(
          take(1),
          switchMap((cbs) =>
            cbs.request(
              { to: '$cbs', application_properties: { operation: 'put-token', name: audience, type: token.type }, body: token.token },
              { entityPath },
            ),
          ),
          map(() => token),
        ),
      ),
    );
  }

  /**
   * Cold: authorizes `entityPath` with a put-token, emits once when done, and keeps the authorization
   * fresh (re-sending the token before it expires, one scheduled action per audience however many
   * holders) until unsubscribed. Errors with the put-token failure (`UnauthorizedError`,
   * `EntityNotFoundError`, …), or later if refreshing keeps failing until the token expires.
   */
  holdAuthorization(entityPath: string): Observable<void> {
    return new Observable<void>((subscriber) => this.hold(entityPath, subscriber, () => subscriber.next()));
  }

  /**
   * What {@link holdAuthorization} does, without an Observable of its own (thousands of receivers each
   * hold one): sends a put-token, calls `authorized` once it is accepted, keeps it fresh while held, and
   * reports a failure (now or of a later refresh) to `holder.error`. Returns the release.
   */
  private hold(entityPath: string, holder: AuthorizationHolder, authorized: () => void): () => void {
    const audience = this.config.endpoint + entityPath;
    let hold = this.audiences.get(audience);
    if (!hold) {
      hold = { holders: new Set(), timer: undefined, expiresOn: 0 };
      this.audiences.set(audience, hold);
    }
    const h = hold;
    let putting: Subscription | undefined = this.putToken(entityPath).subscribe({
      next: (token) => {
        h.holders.add(holder);
        this.scheduleRefresh(entityPath, h, token);
        authorized();
      },
      error: (err: unknown) => holder.error(err),
      complete: () => (putting = undefined),
    });
    return () => {
      putting?.unsubscribe();
      h.holders.delete(holder);
      if (h.holders.size === 0) {
        h.timer?.unsubscribe();
        h.timer = undefined;
        if (this.audiences.get(audience) === h) this.audiences.delete(audience);
      }
    };
  }

  /**
   * Cold: authorizes `entityPath`, then attaches a receiver with `options` on a shared AMQP session
   * (see {@link SharedSessions}, {@link openReceiverLink}); emits it once attached and stays open;
   * errors when the link fails; unsubscribing detaches it.
   */
  openReceiver(entityPath: string, options: ReceiverOptions, context: TranslateContext): Observable<OpenedReceiver> {
    const link$ = openReceiverLink(this, this.receiverSessions, options, context);
    // The authorization is held for as long as the link is open: that keeps the token fresh. The
    // connection counts as used from the subscription (the attach) until the unsubscription.
    return new Observable<OpenedReceiver>((subscriber) => {
      this.users++;
      const release = this.hold(entityPath, subscriber, () => link$.subscribe(subscriber));
      return () => {
        this.users--;
        release();
      };
    });
  }

  /** Shared, lazily opened `<entityPath>/$management` pair (kept until the connection closes). */
  management(entityPath: string): Observable<RequestResponseLink> {
    let link$ = this.managementLinks.get(entityPath);
    if (!link$) {
      const address = `${entityPath}/$management`;
      const replyTo = generate_uuid();
      link$ = this.sharedLink(
        this.holdAuthorization(address).pipe(
          switchMap(() => this.openRequestResponse(address, replyTo, true)),
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
      sender$ = this.sharedLink(
        this.holdAuthorization(entityPath).pipe(
          switchMap(() =>
            wrapLinks(
              openLinks(this, (session, abortSignal) => session.createSender({ name, source: { address: name }, target: { address: entityPath }, abortSignal }), (s) => [s], context),
              (sender) => new MessageSender(sender, context),
              `sender ${entityPath}`,
            ),
          ),
        ),
      );
      this.senders.set(entityPath, sender$);
    }
    return sender$.pipe(take(1));
  }

  private openRequestResponse(address: string, receiverName: string, replyToTarget: boolean): Observable<RequestResponseLink> {
    return wrapLinks(
      openLinks(
        this,
        async (session, abortSignal) => {
          const [sender, receiver] = await Promise.all([
            // Requests go pre-settled (as the Java SDK sends them): the reply is the answer, and a
            // disposition per request would cost a frame and a processing pass on both sides.
            session.createSender({ target: { address }, snd_settle_mode: 1, abortSignal }),
            session.createReceiver({
              abortSignal,
              // Replies are settled by RequestResponseLink (settleReceived).
              autoaccept: false,
              name: receiverName,
              source: { address },
              ...(replyToTarget ? { target: { address: receiverName } } : {}),
            }),
          ]);
          return { sender, receiver };
        },
        (links: { sender: Sender; receiver: Receiver }) => [links.sender, links.receiver],
        { entityPath: address },
      ),
      ({ sender, receiver }) => new RequestResponseLink(sender, receiver, receiverName),
      address,
    );
  }

  /** Keeps one instance of a link open for all callers until it fails (it fails when the connection is lost). */
  private sharedLink<T>(source: Observable<T>): Observable<T> {
    return defer(() => source).pipe(
      share({ connector: () => new ReplaySubject<T>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: false }),
    );
  }

  private scheduleRefresh(entityPath: string, hold: AudienceHold, token: CbsToken): void {
    hold.expiresOn = token.expiresOnTimestamp;
    hold.timer?.unsubscribe();
    hold.timer = this.scheduler.schedule(() => this.refresh(entityPath, hold), Math.max(0, token.refreshAt - this.scheduler.now()));
  }

  private refresh(entityPath: string, hold: AudienceHold): void {
    hold.timer = undefined;
    if (hold.holders.size === 0 || this.isLost) return;
    this.putToken(entityPath).subscribe({
      next: (token) => {
        if (hold.holders.size > 0) this.scheduleRefresh(entityPath, hold, token);
      },
      error: (err: unknown) => {
        const remaining = hold.expiresOn - this.scheduler.now();
        if (remaining > 1000 && hold.holders.size > 0) {
          hold.timer = this.scheduler.schedule(() => this.refresh(entityPath, hold), Math.min(REFRESH_RETRY_MS, remaining / 2));
        } else {
          // The token is about to expire and could not be renewed: the holders' links will be refused.
          for (const holder of [...hold.holders]) holder.error(err);
        }
      },
    });
  }

  private markLost(error: ServiceBusRxError): void {
    if (this.isLost) return;
    this.isLost = true;
    this.lostError = error;
    for (const hold of this.audiences.values()) hold.timer?.unsubscribe();
    this.audiences.clear();
    this.lostSubject.next(error);
    const listeners = [...this.lostListeners];
    this.lostListeners.clear();
    for (const listener of listeners) listener(error);
    this.lostAbort.abort();
    this.resolveLost();
  }
}

/**
 * Builds a link user (`RequestResponseLink`, `MessageSender`) on opened links and fails it (failing
 * everything it has in flight) when the links fail or are closed.
 */
function wrapLinks<T, U extends { fail(error: ServiceBusRxError): void }>(links$: Observable<OpenedLinks<T>>, build: (value: T) => U, what: string): Observable<U> {
  return new Observable<U>((subscriber) => {
    let user: U | undefined;
    const sub = links$.subscribe({
      next: ({ value }) => {
        user = build(value);
        subscriber.next(user);
      },
      error: (err: ServiceBusRxError) => {
        user?.fail(err);
        subscriber.error(err);
      },
    });
    return () => {
      user?.fail(new ConnectionClosedError(`The ${what} link was closed.`, { retryable: true }));
      sub.unsubscribe();
    };
  });
}
