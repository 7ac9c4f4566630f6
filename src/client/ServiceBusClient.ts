import { isNamedKeyCredential, isSASCredential, isTokenCredential, type NamedKeyCredential, type SASCredential, type TokenCredential } from '@azure/core-auth';
import { asyncScheduler, catchError, concatWith, defer, EMPTY, map, switchMap, take, tap, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { ConnectionClosedError, InvalidArgumentError, NoSessionAvailableError, ServiceTimeoutError } from '../errors';
import { ConnectionContext } from '../amqp/ConnectionContext';
import type { AmqpConnectionConfig } from '../amqp/AmqpConnection';
import { sessionPool } from '../pool/sessionPool';
import type { SessionPoolOptions } from '../pool/SessionPoolOptions';
import { resolveAutoRenew } from '../lock/AutoRenewRun';
import { retryWithin } from '../retry/retryWithin';
import { validateCount } from '../retry/validateCount';
import { validateDuration } from '../retry/validateDuration';
import { validateTimeout } from '../retry/validateTimeout';
import { acceptSessionLink } from '../session/acceptSessionLink';
import { resolveStateCodec } from '../session/sessionStateCodec';
import type { Session } from '../session/Session';
import type { SessionReceiver } from '../session/SessionReceiver';
import type { AcceptNextSessionOptions, AcceptSessionOptions, ReceiveMode } from '../session/AcceptSessionOptions';
import { encodeOutgoingMessage } from './encodeOutgoingMessage';
import type { OperationOptions } from '../retry/OperationOptions';
import type { OutgoingMessage } from './OutgoingMessage';
import { parseConnectionString } from '../auth/parseConnectionString';
import type { RetryOptions } from '../retry/RetryOptions';
import { sendMessages } from './sendMessages';
import { traceAccept, traceSend } from './traceSend';
import type { ServiceBusClientOptions } from './ServiceBusClientOptions';
import { keyCredentialProvider, sasKeyTokenProvider, sasSignatureTokenProvider, tokenCredentialProvider, type TokenProvider } from '../auth/TokenProvider';
import { validateSessionId } from './validateSessionId';
import { entityName, receiveEntityPath, type ReceiveEntity } from '../entity';

/** Key name sent as SASL user name by credential-based clients (as the official SDK does). */
const DEFAULT_KEY_NAME = 'defaultKeyName';
/** Default wait of `acceptNextSession` (the official SDK's default operation timeout). */
const DEFAULT_NEXT_SESSION_TIMEOUT_MS = 60_000;
/** Extra client-side time allowed beyond the broker's wait for a next-available session. */
const NEXT_SESSION_GRACE_MS = 5_000;
/** Default bound of `send` and `acceptSession`. */
const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;
const MAX_CREDIT = 2000;
/** Default `peerSilenceTimeout`. */
const DEFAULT_PEER_SILENCE_TIMEOUT_MS = 5_000;

interface ResolvedRetry {
  readonly maxRetries: number;
  readonly delay: number;
  readonly maxDelay: number;
  readonly mode: 'fixed' | 'exponential';
}

/**
 * A client for Service Bus sessions — of queues and of topics' subscriptions (`{ topic, subscription }`
 * wherever a queue's name is taken): accepts sessions and sends messages over ONE AMQP
 * connection (opened lazily on first use, shared by all its sessions and senders, reopened on next
 * use after it drops). Talks to Azure Service Bus (TLS, port 5671) or to a development emulator
 * (`UseDevelopmentEmulator=true`: plain TCP, port 5672 unless the endpoint names one).
 *
 * Every operation is a cold Observable: subscribing runs it (one attempt, with retries of transient
 * failures under `options.retry`, all within the operation's `timeout`), unsubscribing cancels it.
 * Bad arguments throw `InvalidArgumentError` at the call.
 *
 * @example
 * const client = new ServiceBusClient(connectionString);
 * client.acceptNextSession('orders', { autoRenew: { maxDuration: 600_000 } }).pipe(
 *   mergeMap((session) => session.messages$.pipe(concatMap((m) => handle(m).pipe(concatMap(() => m.complete()))))),
 * ).subscribe();
 * // The same from a session-enabled subscription of a topic:
 * client.acceptNextSession({ topic: 'orders', subscription: 'billing' });
 */
export class ServiceBusClient {
  /** `sb://host[:port]/`. */
  readonly endpoint: string;
  /** Host name of the namespace. */
  readonly fullyQualifiedNamespace: string;
  private readonly entityPath: string | undefined;
  private readonly scheduler: SchedulerLike;
  private readonly retry: ResolvedRetry;
  private readonly tickPeriod: number | undefined;
  private readonly expiringSoonThreshold: number | undefined;
  private readonly lockSafetyMargin: number | undefined;
  private readonly context: ConnectionContext;
  private readonly openSessions = new Set<SessionReceiver>();
  /** Every session's `onClosed`: one function for the client, not a closure (and a settings copy) per accept. */
  private readonly forgetSession = (session: SessionReceiver): boolean => this.openSessions.delete(session);
  private closed = false;

  /**
   * @param connectionString - `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…` (or
   *   `SharedAccessSignature=…`), optionally `EntityPath=…` and `UseDevelopmentEmulator=true`.
   * @throws InvalidArgumentError naming the problem (missing key, empty key name, garbage, …).
   */
  constructor(connectionString: string, options?: ServiceBusClientOptions);
  /**
   * @param fullyQualifiedNamespace - e.g. `myns.servicebus.windows.net` (an `sb://` prefix, a trailing
   *   `/` and a `:port` are accepted).
   * @param credential - a `TokenCredential` (CBS `jwt`, scope `https://servicebus.azure.net/.default`),
   *   `NamedKeyCredential` or `SASCredential` from `@azure/core-auth`.
   * @throws InvalidArgumentError for a missing/unsupported credential or an empty namespace.
   */
  constructor(fullyQualifiedNamespace: string, credential: TokenCredential | NamedKeyCredential | SASCredential, options?: ServiceBusClientOptions);
  constructor(
    first: string,
    second?: TokenCredential | NamedKeyCredential | SASCredential | ServiceBusClientOptions,
    third?: ServiceBusClientOptions,
  ) {
    const usesCredential = isTokenCredential(second) || isNamedKeyCredential(second) || isSASCredential(second);
    const options: ServiceBusClientOptions = (usesCredential ? third : (second as ServiceBusClientOptions | undefined)) ?? {};
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'must be an object', options);
    this.scheduler = options.scheduler ?? asyncScheduler;
    if (typeof this.scheduler.now !== 'function' || typeof this.scheduler.schedule !== 'function') {
      throw new InvalidArgumentError('options.scheduler', 'must be an rxjs SchedulerLike', this.scheduler);
    }
    this.retry = resolveRetry(options.retry);
    this.tickPeriod = validateDuration('options.tickPeriod', options.tickPeriod, { allowZero: true, allowInfinity: true });
    this.expiringSoonThreshold = validateDuration('options.expiringSoonThreshold', options.expiringSoonThreshold, { allowZero: true });
    this.lockSafetyMargin = validateDuration('options.lockSafetyMargin', options.lockSafetyMargin, { allowZero: true });
    const peerSilenceTimeout = validateDuration('options.peerSilenceTimeout', options.peerSilenceTimeout) ?? DEFAULT_PEER_SILENCE_TIMEOUT_MS;

    let config: Omit<AmqpConnectionConfig, 'peerSilenceTimeout'>;
    let tokens: TokenProvider;
    if (usesCredential) {
      const credential = second as TokenCredential | NamedKeyCredential | SASCredential;
      const { host, port } = parseNamespace(first);
      const plain = options.useDevelopmentEmulator === true;
      const endpoint = `sb://${port === undefined ? host : `${host}:${port}`}/`;
      config = { host, port: port ?? (plain ? 5672 : 5671), tls: !plain, endpoint, saslUsername: DEFAULT_KEY_NAME };
      if (isNamedKeyCredential(credential) && (typeof credential.name !== 'string' || credential.name === '')) {
        throw new InvalidArgumentError('credential.name', 'must be a non-empty key name');
      }
      tokens = isTokenCredential(credential) ? tokenCredentialProvider(credential, this.scheduler) : keyCredentialProvider(credential, this.scheduler);
      this.entityPath = undefined;
    } else {
      if (second !== undefined && (typeof second !== 'object' || second === null || 'getToken' in second || 'key' in second || 'signature' in second)) {
        throw new InvalidArgumentError('credential', 'must be a TokenCredential, NamedKeyCredential or SASCredential', second);
      }
      if (typeof first === 'string' && first.trim() !== '' && !first.includes('=')) {
        throw new InvalidArgumentError('credential', `is required when the first argument is a namespace ("${first}") rather than a connection string`);
      }
      const parsed = parseConnectionString(first);
      config = {
        host: parsed.host,
        port: parsed.port ?? (parsed.useDevelopmentEmulator ? 5672 : 5671),
        tls: !parsed.useDevelopmentEmulator,
        endpoint: parsed.endpoint,
        saslUsername: parsed.sharedAccessKeyName,
      };
      const { sharedAccessKeyName, sharedAccessKey, sharedAccessSignature } = parsed;
      tokens =
        sharedAccessSignature !== undefined
          ? sasSignatureTokenProvider(() => sharedAccessSignature, this.scheduler)
          : sasKeyTokenProvider(() => ({ name: sharedAccessKeyName as string, key: sharedAccessKey as string }), this.scheduler);
      this.entityPath = parsed.entityPath;
    }
    this.endpoint = config.endpoint;
    this.fullyQualifiedNamespace = config.host;
    this.context = new ConnectionContext({ ...config, peerSilenceTimeout }, tokens, this.scheduler);
  }

  /**
   * Cold: on subscribe attaches a session receiver for `sessionId` on `entity` (a queue's name, or
   * `{ topic, subscription }` for a subscription of a topic); emits the locked
   * {@link Session} once, then completes. Errors with `SessionCannotBeLockedError` when another
   * receiver holds the session (not retried), `EntityNotFoundError`, `UnauthorizedError`, or
   * `ServiceTimeoutError` after `options.timeout` (default 60 s). Unsubscribing before the session is
   * emitted detaches the link; after that the caller owns the session and must `close()` it.
   * @throws InvalidArgumentError for a bad queue name (`queue`), topic or subscription name
   *   (`entity.topic`, `entity.subscription`), session id (1..128 chars) or option.
   */
  acceptSession(entity: ReceiveEntity, sessionId: string, options?: AcceptSessionOptions): Observable<Session> {
    const entityPath = receiveEntityPath(entity, this.entityPath);
    validateSessionId('sessionId', sessionId);
    const settings = this.sessionSettings(options);
    const timeout = validateTimeout('options.timeout', options?.timeout) ?? DEFAULT_OPERATION_TIMEOUT_MS;
    return this.accept(entityPath, sessionId, settings, timeout).pipe(
      retryWithin({ ...this.retry, timeout, scheduler: this.scheduler, operation: `acceptSession('${entityPath}', '${sessionId}')` }),
    );
  }

  /**
   * Cold: on subscribe asks the broker for the next available session of `entity` (a queue's name, or
   * `{ topic, subscription }`; one with messages and no lock holder) and emits it once, then
   * completes. When none becomes available within `options.timeout` (default 60 s; sent to the broker
   * as `com.microsoft:timeout`) it COMPLETES WITHOUT EMITTING — not an error — or, with
   * `options.ifNone: 'error'`, errors with `NoSessionAvailableError`. Other failures as for {@link acceptSession}.
   * @throws InvalidArgumentError for a bad queue, topic or subscription name, or option.
   */
  acceptNextSession(entity: ReceiveEntity, options?: AcceptNextSessionOptions): Observable<Session> {
    const entityPath = receiveEntityPath(entity, this.entityPath);
    const settings = this.sessionSettings(options);
    const wait = validateTimeout('options.timeout', options?.timeout) ?? DEFAULT_NEXT_SESSION_TIMEOUT_MS;
    const ifNone = options?.ifNone ?? 'complete';
    if (ifNone !== 'complete' && ifNone !== 'error') throw new InvalidArgumentError('options.ifNone', "must be 'complete' or 'error'", ifNone);
    const none$ = ifNone === 'complete' ? EMPTY : throwError(() => new NoSessionAvailableError(entityPath, wait));
    return defer(() => {
      let accepted = false;
      return this.accept(entityPath, undefined, settings, wait).pipe(
        retryWithin({ ...this.retry, timeout: wait + NEXT_SESSION_GRACE_MS, scheduler: this.scheduler, operation: `acceptNextSession('${entityPath}')` }),
        // The broker normally answers "none" itself; if it does not, running out of the client-side bound
        // without any failure (no cause) means the same. A timeout after transient failures stays an error.
        catchError((err: unknown) => (err instanceof ServiceTimeoutError && err.cause === undefined ? EMPTY : throwError(() => err))),
        tap(() => (accepted = true)),
        concatWith(defer(() => (accepted ? EMPTY : none$))),
      );
    });
  }

  /**
   * Cold: on subscribe sends one message, or several, to the queue or topic `queueOrTopic` (a topic
   * copies each to its subscriptions whose rules match), packed into as few batch transfers — format
   * 0x80013700 — as the link's `max-message-size` allows; emits once (`undefined`) and completes when
   * the broker accepted them all. Errors with the broker's refusal translated (e.g.
   * `EntityNotFoundError`), or `ServiceTimeoutError` after `options.timeout` (default 60 s). A
   * retried attempt may deliver a message twice (at-least-once).
   * @throws InvalidArgumentError for a bad entity name (`queueOrTopic`), message field (named, e.g. `messages[2].sessionId`) or option.
   */
  send(queueOrTopic: string, messages: OutgoingMessage | readonly OutgoingMessage[], options?: OperationOptions): Observable<void> {
    const entityPath = entityName('queueOrTopic', queueOrTopic, this.entityPath);
    const timeout = validateTimeout('options.timeout', options?.timeout) ?? DEFAULT_OPERATION_TIMEOUT_MS;
    const now = this.scheduler.now();
    const encoded = Array.isArray(messages)
      ? (messages as readonly OutgoingMessage[]).map((m, i) => encodeOutgoingMessage(m, `messages[${i}]`, now))
      : [encodeOutgoingMessage(messages as OutgoingMessage, 'message', now)];
    // Traced (when OpenTelemetry is on) around the retries: one producer span stamped on every message.
    return traceSend(entityPath, encoded, (stamped) =>
      defer(() =>
        this.context.connection().pipe(
          take(1),
          // In use while the send is in flight: a session losing its lock meanwhile leaves it open.
          switchMap((amqp) => amqp.using(amqp.sender(entityPath).pipe(switchMap((sender) => sendMessages(sender, stamped))))),
        ),
      ).pipe(retryWithin({ ...this.retry, timeout, scheduler: this.scheduler, operation: `send('${entityPath}')` })),
    );
  }

  /**
   * Cold: a pool of up to `options.maxConcurrentSessions` sessions of `entity` (a queue's name, or
   * `{ topic, subscription }`), each emitted as it is
   * accepted and replaced when it closes (by you, by `sessionIdleTimeout`, or on lock loss). The pool's
   * scheduler defaults to this client's. Same as `sessionPool(client, entity, options)`; see
   * `sessionPool` for completion, errors and unsubscription (which closes every held session).
   * @throws InvalidArgumentError for bad options.
   */
  sessions(entity: ReceiveEntity, options: SessionPoolOptions<AcceptSessionOptions>): Observable<Session> {
    // Here, not in each slot's accept: a mismatch with the connection string's EntityPath fails at the call.
    receiveEntityPath(entity, this.entityPath);
    const withScheduler = typeof options === 'object' && options !== null && options.scheduler === undefined ? { ...options, scheduler: this.scheduler } : options;
    return sessionPool<Session, AcceptSessionOptions>(this, entity, withScheduler);
  }

  /** Closes every open session (their `lock$` emit `lost('closed')`) and then the connection. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    // The connection's close releases every link at once, so sessions end gracefully here (settlements
    // already sent finish; lock$ emits lost('closed'), messages$ completes) without a detach each:
    // thousands of detaches would each cost a promise, a timer and listeners.
    this.context.prepareClose();
    await Promise.all([...this.openSessions].map((s) => s.end()));
    await this.context.close();
  }

  private accept(entityPath: string, sessionId: string | undefined, settings: SessionSettings, brokerTimeout: number): Observable<SessionReceiver> {
    return traceAccept(this.acceptAttempt(entityPath, sessionId, settings, brokerTimeout), entityPath, sessionId);
  }

  private acceptAttempt(entityPath: string, sessionId: string | undefined, settings: SessionSettings, brokerTimeout: number): Observable<SessionReceiver> {
    return defer(() => {
      if (this.closed) return throwError(() => new ConnectionClosedError('The client has been closed.', { retryable: false }));
      return this.context.connection().pipe(
        take(1),
        switchMap((amqp) =>
          acceptSessionLink({
            amqp,
            entityPath,
            sessionId,
            brokerTimeout,
            scheduler: this.scheduler,
            session: settings,
          }),
        ),
      );
    }).pipe(
      // Track accepted sessions so close() can close them.
      map((session) => {
        if (this.closed) {
          void session.close();
          throw new ConnectionClosedError('The client has been closed.', { retryable: false });
        }
        this.openSessions.add(session);
        return session;
      }),
    );
  }

  private sessionSettings(options: AcceptSessionOptions | undefined): SessionSettings {
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidArgumentError('options', 'must be an object', options);
    const receiveMode: ReceiveMode = options?.receiveMode ?? 'peekLock';
    if (receiveMode !== 'peekLock' && receiveMode !== 'receiveAndDelete') {
      throw new InvalidArgumentError('options.receiveMode', "must be 'peekLock' or 'receiveAndDelete'", receiveMode);
    }
    const maxCredit = options?.maxCredit ?? 100;
    if (typeof maxCredit !== 'number' || !Number.isInteger(maxCredit) || maxCredit < 1 || maxCredit > MAX_CREDIT) {
      throw new InvalidArgumentError('options.maxCredit', `must be an integer from 1 to ${MAX_CREDIT}`, maxCredit);
    }
    const tickPeriod = validateDuration('options.tickPeriod', options?.tickPeriod, { allowZero: true, allowInfinity: true }) ?? this.tickPeriod;
    const expiringSoonThreshold = validateDuration('options.expiringSoonThreshold', options?.expiringSoonThreshold, { allowZero: true }) ?? this.expiringSoonThreshold;
    const idleTimeout = validateDuration('options.idleTimeout', options?.idleTimeout, {});
    const lockSafetyMargin = validateDuration('options.lockSafetyMargin', options?.lockSafetyMargin, { allowZero: true }) ?? this.lockSafetyMargin;
    const renew = options?.autoRenew;
    if (renew !== undefined && renew !== false && (typeof renew !== 'object' || renew === null)) {
      throw new InvalidArgumentError('options.autoRenew', 'must be AutoRenewOptions or false', renew);
    }
    return {
      receiveMode,
      maxCredit,
      idleTimeout,
      stateCodec: resolveStateCodec('options.stateCodec', options?.stateCodec),
      scheduler: this.scheduler,
      retry: this.retry,
      tickPeriod,
      expiringSoonThreshold,
      lockSafetyMargin,
      // Built here so bad options fail at the call.
      autoRenew: renew ? resolveAutoRenew({ scheduler: this.scheduler, ...renew }) : undefined,
      onClosed: this.forgetSession,
    };
  }
}

type SessionSettings = Parameters<typeof acceptSessionLink>[0]['session'];

function resolveRetry(retry: RetryOptions | undefined): ResolvedRetry {
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) throw new InvalidArgumentError('options.retry', 'must be an object', retry);
  const mode = retry?.mode ?? 'exponential';
  if (mode !== 'fixed' && mode !== 'exponential') throw new InvalidArgumentError('options.retry.mode', "must be 'fixed' or 'exponential'", mode);
  return {
    maxRetries: validateCount('options.retry.maxRetries', retry?.maxRetries) ?? 3,
    delay: validateDuration('options.retry.delay', retry?.delay, { allowZero: true }) ?? 100,
    maxDelay: validateDuration('options.retry.maxDelay', retry?.maxDelay, { allowZero: true }) ?? 5_000,
    mode,
  };
}

function parseNamespace(value: unknown): { host: string; port: number | undefined } {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError('fullyQualifiedNamespace', 'must be a non-empty host name such as myns.servicebus.windows.net', value);
  }
  const text = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  const match = /^(\[[^\]]+\]|[^/:\s]+)(?::(\d+))?$/.exec(text);
  const host = match?.[1];
  if (!match || host === undefined) throw new InvalidArgumentError('fullyQualifiedNamespace', 'must be a host name, optionally with :port', value);
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new InvalidArgumentError('fullyQualifiedNamespace', 'has a port outside 1..65535', port);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}
