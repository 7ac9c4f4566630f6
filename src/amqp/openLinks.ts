import { Observable } from 'rxjs';
import { ReceiverEvents, SenderEvents, SessionEvents, type AmqpError, type Connection, type Session } from 'rhea-promise';
import type { ServiceBusRxError, TranslateContext } from '../errors';
import { ownSession, type SessionLease, type SessionSource } from './SessionLease';
import { remoteCloseError } from './remoteCloseError';
import { toAmqpOpenError } from './toAmqpOpenError';
import type { WaitCounter } from './PeerWatchdog';

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
  /**
   * Calls `listener` once, when the connection drops or is closed (at once if it already has), unless
   * removed first with {@link offLost}. One entry per link: cheaper than a `lost$` subscription each.
   */
  onLost(listener: (error: ServiceBusRxError) => void): void;
  offLost(listener: (error: ServiceBusRxError) => void): void;
  /**
   * Aborted when the connection drops or is closed: begins and attaches still in flight then give up
   * (no reply can come; rhea-promise's attach timer would otherwise keep the process alive).
   */
  readonly lostSignal: AbortSignal;
  /** Resolves when the connection drops or is closed (bounds waits for a detach that can no longer come). */
  readonly whenLost: Promise<void>;
  /**
   * `reply`, counted as a wait on the peer until it settles: should the peer send nothing for the
   * connection's `peerSilenceTimeout` meanwhile, the connection is destroyed (so `whenLost` resolves).
   */
  awaitPeer<T>(reply: Promise<T>): Promise<T>;
  /** Counts answers owed by the peer (requests, transfers, dispositions) for the same bound. */
  readonly waits: WaitCounter;
  /**
   * True once the connection is about to be closed: links are then not detached one by one (the
   * connection's close releases them all at once); their close waits for the connection to go.
   */
  readonly closing: boolean;
}

/** Links opened together on one AMQP session (one link, or a request/response pair). */
export interface OpenedLinks<T> {
  readonly session: Session;
  readonly value: T;
  /**
   * Detaches the links and gives their session back (see {@link closeLinks}): what unsubscribing
   * does, as a promise of its completion. Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/**
 * Cold: on subscribe takes an AMQP session from `sessions` (by default it begins one of its own) and
 * attaches the links `attach` creates on it; emits `{ session, value, close }` once every link is open,
 * then stays open. Errors (with the translated detach / end error, or `ConnectionClosedError`) when the
 * peer closes a link or the session, or the connection drops. Unsubscribing detaches the links and
 * gives the session back (see {@link closeLinks}) and removes every listener this function added. A
 * begin/attach still in flight is not aborted (an abort would let rhea-promise detach a link on an
 * AMQP session we already ended — a protocol error): once it settles, its links are detached and the
 * session given back, in that order. Only the connection's loss aborts it (`host.lostSignal`).
 *
 * @param linksOf - the links inside `value` whose remote close ends the stream.
 * @param sessions - where the session comes from (default: one of its own).
 */
export function openLinks<T>(
  host: LinkHost,
  attach: (session: Session, abortSignal: AbortSignal) => Promise<T>,
  linksOf: (value: T) => readonly LinkLike[],
  context: TranslateContext = {},
  sessions: SessionSource = ownSession(host.connection),
): Observable<OpenedLinks<T>> {
  return new Observable<OpenedLinks<T>>((subscriber) => {
    let torn = false;
    let lease: SessionLease | undefined;
    let session: Session | undefined;
    let links: readonly LinkLike[] = [];
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= lease === undefined ? Promise.resolve() : host.closing ? host.whenLost : host.awaitPeer(closeLinks(lease, links, host.whenLost)));
    const fail = (error: ServiceBusRxError): void => {
      removeListeners();
      subscriber.error(error);
    };
    const onClosed = (): void => fail(closeError(links, session, context));
    function removeListeners(): void {
      host.offLost(fail);
      for (const link of links) {
        const [closeEvent, errorEvent] = link.isSender() ? [SenderEvents.senderClose, SenderEvents.senderError] : [ReceiverEvents.receiverClose, ReceiverEvents.receiverError];
        link.removeListener(closeEvent, onClosed);
        link.removeListener(errorEvent, onClosed);
      }
      session?.removeListener(SessionEvents.sessionClose, onClosed);
      session?.removeListener(SessionEvents.sessionError, onClosed);
    }

    host.onLost(fail);
    if (subscriber.closed) return undefined;

    // While begin/attach is in flight the teardown leaves closing to the settlement below.
    let inFlight = true;
    host.awaitPeer((async () => {
      lease = await sessions(host.lostSignal);
      session = lease.session;
      if (torn) return undefined;
      const value = await attach(session, host.lostSignal);
      return value;
    })()).then(
      (value) => {
        inFlight = false;
        if (value === undefined || torn) {
          if (value !== undefined) links = linksOf(value);
          void close();
          return;
        }
        links = linksOf(value);
        const s = session as Session;
        // The peer may have attached and detached in the same frame batch (a refused session attach):
        // rhea has already processed the detach by the time the attach promise settles.
        if (links.some((l) => !l.isRemoteOpen()) || !s.isOpen()) {
          subscriber.error(closeError(links, s, context));
          return;
        }
        for (const link of links) {
          const [closeEvent, errorEvent] = link.isSender() ? [SenderEvents.senderClose, SenderEvents.senderError] : [ReceiverEvents.receiverClose, ReceiverEvents.receiverError];
          link.on(closeEvent, onClosed);
          link.on(errorEvent, onClosed);
        }
        s.on(SessionEvents.sessionClose, onClosed);
        s.on(SessionEvents.sessionError, onClosed);
        subscriber.next({ session: s, value, close });
      },
      (err: unknown) => {
        inFlight = false;
        void close();
        if (!torn) subscriber.error(toAmqpOpenError(err, context));
      },
    );

    return () => {
      torn = true;
      removeListeners();
      if (!inFlight) void close();
    };
  });
}

/**
 * Detaches `links` (closed=true), then gives their session back (`lease.release()`: an own session is
 * ended, a shared one once its last links are gone). Never rejects; resolves early if the connection is
 * lost meanwhile (no detach can come).
 */
export function closeLinks(lease: SessionLease, links: readonly LinkLike[], whenLost: Promise<void>): Promise<void> {
  const work = (async () => {
    await Promise.all(links.map((l) => l.close({ closeSession: false }).catch(() => undefined)));
    await lease.release();
  })();
  return Promise.race([work, whenLost]);
}

function closeError(links: readonly LinkLike[], session: Session | undefined, context: TranslateContext): ServiceBusRxError {
  return remoteCloseError([...links.map((l) => l.error), session?.error], context);
}
