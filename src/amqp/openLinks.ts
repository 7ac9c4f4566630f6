import { Observable } from 'rxjs';
import { ReceiverEvents, SenderEvents, SessionEvents, type AmqpError, type Connection, type Session } from 'rhea-promise';
import { ConnectionClosedError, translateAmqpError, type ServiceBusRxError, type TranslateContext } from '../errors';
import { toAmqpOpenError } from './toAmqpOpenError';

/** A rhea-promise link (Sender, AwaitableSender or Receiver) as far as this module needs it. */
export interface LinkLike {
  readonly name: string;
  readonly error: AmqpError | Error | undefined;
  isRemoteOpen(): boolean;
  isSender(): boolean;
  close(options?: { closeSession?: boolean }): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The connection a link is opened on, with its loss signal. */
export interface LinkHost {
  readonly connection: Connection;
  /** Emits (once) when the connection drops or is closed. */
  readonly lost$: Observable<ServiceBusRxError>;
  /** Resolves when the connection drops or is closed (bounds waits for a detach that can no longer come). */
  readonly whenLost: Promise<void>;
}

/** Links opened together on one AMQP session (one link, or a request/response pair). */
export interface OpenedLinks<T> {
  readonly session: Session;
  readonly value: T;
}

const closing = new WeakMap<Session, Promise<void>>();

/**
 * Cold: on subscribe begins an AMQP session and attaches the links `attach` creates on it; emits
 * `{ session, value }` once every link is open, then stays open. Errors (with the translated detach /
 * end error, or `ConnectionClosedError`) when the peer closes a link or the session, or the
 * connection drops. Unsubscribing detaches the links and ends the session (see {@link closeLinks})
 * and removes every listener this function added. A begin/attach still in flight is not aborted (an
 * abort would let rhea-promise detach a link on an AMQP session we already ended — a protocol
 * error): once it settles, its links are detached and the session ended, in that order.
 *
 * @param linksOf - the links inside `value` whose remote close ends the stream.
 */
export function openLinks<T>(
  host: LinkHost,
  attach: (session: Session, abortSignal: AbortSignal) => Promise<T>,
  linksOf: (value: T) => readonly LinkLike[],
  context: TranslateContext = {},
): Observable<OpenedLinks<T>> {
  return new Observable<OpenedLinks<T>>((subscriber) => {
    let torn = false;
    let session: Session | undefined;
    let links: readonly LinkLike[] = [];

    const fail = (error: ServiceBusRxError): void => {
      removeListeners();
      subscriber.error(error);
    };
    const onLinkClosed = (): void => fail(remoteCloseError(links, session, context));
    const onSessionClosed = (): void => fail(remoteCloseError(links, session, context));
    function removeListeners(): void {
      for (const link of links) {
        const [closeEvent, errorEvent] = link.isSender() ? [SenderEvents.senderClose, SenderEvents.senderError] : [ReceiverEvents.receiverClose, ReceiverEvents.receiverError];
        link.removeListener(closeEvent, onLinkClosed);
        link.removeListener(errorEvent, onLinkClosed);
      }
      session?.removeListener(SessionEvents.sessionClose, onSessionClosed);
      session?.removeListener(SessionEvents.sessionError, onSessionClosed);
    }

    const lostSub = host.lost$.subscribe((error) => fail(error));

    // While begin/attach is in flight the teardown leaves closing to the settlement below. Once the
    // connection is gone no detach can follow, so an attach still waiting is aborted then (otherwise
    // rhea-promise's attach timer keeps the process alive for its full timeout).
    let inFlight = true;
    const abort = new AbortController();
    void host.whenLost.then(() => {
      if (inFlight) abort.abort();
    });
    (async () => {
      session = await host.connection.createSession({ abortSignal: abort.signal });
      if (torn) return undefined;
      const value = await attach(session, abort.signal);
      return value;
    })().then(
      (value) => {
        inFlight = false;
        if (value === undefined || torn) {
          if (value !== undefined) links = linksOf(value);
          if (session) void closeLinks(session, links, host.whenLost);
          return;
        }
        links = linksOf(value);
        const s = session as Session;
        // The peer may have attached and detached in the same frame batch (a refused session attach):
        // rhea has already processed the detach by the time the attach promise settles.
        if (links.some((l) => !l.isRemoteOpen()) || !s.isOpen()) {
          subscriber.error(remoteCloseError(links, s, context));
          return;
        }
        for (const link of links) {
          const [closeEvent, errorEvent] = link.isSender() ? [SenderEvents.senderClose, SenderEvents.senderError] : [ReceiverEvents.receiverClose, ReceiverEvents.receiverError];
          link.on(closeEvent, onLinkClosed);
          link.on(errorEvent, onLinkClosed);
        }
        s.on(SessionEvents.sessionClose, onSessionClosed);
        s.on(SessionEvents.sessionError, onSessionClosed);
        subscriber.next({ session: s, value });
      },
      (err: unknown) => {
        inFlight = false;
        if (session) void closeLinks(session, links, host.whenLost);
        if (!torn) subscriber.error(toAmqpOpenError(err, context));
      },
    );

    return () => {
      torn = true;
      lostSub.unsubscribe();
      removeListeners();
      if (session && !inFlight) void closeLinks(session, links, host.whenLost);
    };
  });
}

/**
 * Detaches `links` (closed=true) and ends their AMQP `session`; idempotent per session (returns the same
 * promise). Never rejects; resolves early if the connection is lost meanwhile (no detach can come).
 */
export function closeLinks(session: Session, links: readonly LinkLike[], whenLost: Promise<void>): Promise<void> {
  let promise = closing.get(session);
  if (!promise) {
    const work = (async () => {
      await Promise.all(links.map((l) => l.close({ closeSession: false }).catch(() => undefined)));
      await session.close().catch(() => undefined);
    })();
    promise = Promise.race([work, whenLost]);
    closing.set(session, promise);
  }
  return promise;
}

function remoteCloseError(links: readonly LinkLike[], session: Session | undefined, context: TranslateContext): ServiceBusRxError {
  for (const link of links) {
    const error = link.error;
    if (error && 'condition' in error && typeof error.condition === 'string') return translateAmqpError(error, context);
  }
  const sessionError = session?.error;
  if (sessionError && 'condition' in sessionError && typeof sessionError.condition === 'string') return translateAmqpError(sessionError, context);
  return new ConnectionClosedError('The broker closed the link.', { retryable: true });
}
