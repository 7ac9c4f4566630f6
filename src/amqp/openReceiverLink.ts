import { Observable } from 'rxjs';
import type { EventContext, Receiver, ReceiverOptions } from 'rhea';
import type { ServiceBusRxError, TranslateContext } from '../errors';
import type { LinkHost } from './openLinks';
import { forgetAttachFrames, forgetDeliveries } from './rhea';
import { remoteCloseError } from './remoteCloseError';
import type { SharedSessionLease, SharedSessions } from './SharedSessions';

/** A receiver link attached on a shared AMQP session. */
export interface OpenedReceiver {
  /** The rhea receiver: its `message` / `settled` events are the hot path, with nothing in between. */
  readonly link: Receiver;
  /** The filter set of the peer's attach `source` (read once: the link forgets its attach frames). */
  readonly filter: Record<string, unknown> | undefined;
  /** The properties of the peer's attach (read once, as `filter`). */
  readonly properties: Record<string, unknown> | undefined;
  /**
   * Detaches the link and gives its session place back (what unsubscribing does), as a promise of its
   * completion. Idempotent; never rejects; resolves early once the connection is gone.
   */
  close(): Promise<void>;
}

/**
 * Cold: on subscribe takes a place on a shared session and attaches a rhea receiver with `options`;
 * emits `{ link, filter, properties, close }` once the peer answered the attach, then stays open. Errors (with the
 * translated detach / end error, or `ConnectionClosedError`) when the peer detaches the link or ends the
 * session, or the connection drops. Unsubscribing detaches the link, then gives the session place back,
 * and removes every listener this function added. An attach still unanswered is never cut short (a
 * detach before the peer's attach is a protocol error for some peers): once answered, the link is
 * detached; if the connection goes first, nothing is left to close.
 *
 * rhea-promise is bypassed on purpose: its per-link wrapper costs ~1.5 KB and re-emits every message
 * through an extra event and context object, and a client holds thousands of these links.
 */
export function openReceiverLink(
  host: LinkHost,
  sessions: SharedSessions,
  options: ReceiverOptions,
  context: TranslateContext,
  watchAttach = true,
): Observable<OpenedReceiver> {
  return new Observable<OpenedReceiver>((subscriber) => {
    let state: 'acquiring' | 'attaching' | 'open' | 'detaching' | 'gone' = 'acquiring';
    /** Ends the watched wait for the attach's answer (once answered, or the link is gone). */
    let attachAnswered: () => void = noop;
    let attachWatched = false;
    const watchAttachAnswer = (): void => {
      if (attachWatched) return;
      attachWatched = true;
      void host.awaitPeer(new Promise<void>((resolve) => (attachAnswered = resolve)));
    };
    let torn = false;
    let lease: SharedSessionLease | undefined;
    let link: Receiver | undefined;
    let detached: Promise<void> | undefined;
    let resolveDetached: (() => void) | undefined;

    const removeListeners = (): void => {
      host.offLost(gone);
      link?.removeListener('receiver_open', onOpen);
      link?.removeListener('receiver_close', onClose);
      link?.removeListener('receiver_error', ignore);
      lease?.session.removeListener('session_close', onSessionEnd);
      lease?.session.removeListener('session_error', ignore);
    };
    /** The link is gone (peer detach, session end, connection loss): report it, give the place back. */
    function gone(error: ServiceBusRxError): void {
      if (state === 'gone') return;
      const wasDetaching = state === 'detaching';
      state = 'gone';
      attachAnswered();
      removeListeners();
      void lease?.release();
      resolveDetached?.();
      if (!torn && !wasDetaching) subscriber.error(error);
    }
    function onOpen(): void {
      state = 'open';
      attachAnswered();
      const receiver = link as Receiver;
      const filter = receiver.source?.filter as Record<string, unknown> | undefined;
      const properties = receiver.properties as Record<string, unknown> | undefined;
      // After rhea's attach handling, which stores the peer's frame again once this event returns.
      queueMicrotask(() => forgetAttachFrames(receiver));
      if (torn) void close();
      else subscriber.next({ link: receiver, close, filter, properties });
    }
    // rhea raises receiver_error then receiver_close for a detach with an error: close handles both.
    function onClose(): void {
      // The peer's detach: nothing more comes on this link; what it left unsettled must not pin the
      // shared session's delivery buffer.
      if (lease !== undefined && link !== undefined) forgetDeliveries(lease.session, link);
      gone(remoteCloseError([link?.error, lease?.session.error], context));
    }
    function onSessionEnd(): void {
      gone(remoteCloseError([lease?.session.error], context));
    }

    const close = (): Promise<void> => (detached ??= detach());
    const detach = (): Promise<void> => {
      if (state !== 'open' || link === undefined) return Promise.resolve();
      state = 'detaching';
      if (host.closing) {
        // The connection's close (next) releases every link at once.
        removeListeners();
        return host.whenLost;
      }
      const done = new Promise<void>((resolve) => (resolveDetached = resolve));
      link.close();
      // The detach is owed by the peer: bounded by the connection's silence timeout.
      return Promise.race([host.awaitPeer(done), host.whenLost]);
    };

    host.onLost(gone);
    if (subscriber.closed) return undefined;
    sessions.acquire().then(
      (taken) => {
        lease = taken;
        if (state === 'gone' || torn) {
          state = 'gone';
          removeListeners();
          void taken.release();
          return;
        }
        state = 'attaching';
        // An attach the peer may hold (a next-available session) is watched only once given up on.
        if (watchAttach) watchAttachAnswer();
        const receiver = taken.session.attach_receiver(options);
        taken.track(receiver);
        link = receiver;
        receiver.once('receiver_open', onOpen);
        receiver.on('receiver_close', onClose);
        receiver.on('receiver_error', ignore);
        taken.session.on('session_close', onSessionEnd);
        taken.session.on('session_error', ignore);
      },
      (err: ServiceBusRxError) => {
        if (state === 'gone') return;
        state = 'gone';
        removeListeners();
        if (!torn) subscriber.error(err);
      },
    );

    return () => {
      torn = true;
      // While acquiring or attaching, the answer detaches and releases (see above); never cut short,
      // but an answer that never comes is bounded like any other wait on the peer.
      if (state === 'attaching') watchAttachAnswer();
      if (state === 'open') void close();
    };
  });
}

function noop(): void {}

/** A listener that marks an event handled (rhea raises unhandled link/session errors on the container). */
function ignore(_context: EventContext): void {
  // The matching close event carries the failure.
}
