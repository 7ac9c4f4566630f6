import { throwError, type Unsubscribable } from 'rxjs';
import type { EventContext, Receiver, ReceiverOptions } from 'rhea';
import type { ServiceBusRxError, TranslateContext } from '../errors';
import type { LinkHost } from './openLinks';
import { forgetAttachFrames, forgetDeliveries } from './rhea';
import { remoteCloseError } from './remoteCloseError';
import type { SharedSessionLease, SharedSessions } from './SharedSessions';

/** A receiver link attached on a shared AMQP session, as given to {@link ReceiverLinkObserver.next}. */
export interface OpenedReceiver {
  /** The rhea receiver: its `message` / `settled` events are the hot path, with nothing in between. */
  readonly link: Receiver;
  /** The filter set of the peer's attach `source` (read once: the link forgets its attach frames). */
  readonly filter: Record<string, unknown> | undefined;
  /** The properties of the peer's attach (read once, as `filter`). */
  readonly properties: Record<string, unknown> | undefined;
}

/** Told once the link is attached (`next`), and once it fails (`error`; nothing follows). */
export interface ReceiverLinkObserver {
  next(opened: OpenedReceiver): void;
  error(error: ServiceBusRxError): void;
}

/** A receiver link being attached or attached: what its opener keeps. */
export interface ReceiverLink extends Unsubscribable {
  /**
   * Detaches the link and gives its session place back (what unsubscribing does), as a promise of its
   * completion. Idempotent; never rejects; resolves early once the connection is gone.
   */
  close(): Promise<void>;
}

/**
 * On the call takes a place on a shared session and attaches a rhea receiver with `options` (from
 * `start()`); tells `observer.next` once the peer answered the attach, then stays open; tells
 * `observer.error` (with the translated detach / end error, or `ConnectionClosedError`) when the peer
 * detaches the link or ends the session, or the connection drops, and then unsubscribes itself.
 * Unsubscribing detaches the link, then gives the session place back, removes every listener this
 * added and calls `onEnd` (once). An attach still unanswered is never cut short (a detach before the
 * peer's attach is a protocol error for some peers): once answered, the link is detached; if the
 * connection goes first, nothing is left to close.
 *
 * A callback core rather than an Observable: a client holds thousands of these links for as long as
 * their sessions live, and each Observable subscription kept ~0.6 KB of subscribers, closures and
 * contexts alive. rhea-promise is bypassed on purpose: its per-link wrapper costs ~1.5 KB and re-emits
 * every message through an extra event and context object.
 */
export function openReceiverLink(
  host: LinkHost,
  sessions: SharedSessions,
  options: ReceiverOptions,
  context: TranslateContext,
  watchAttach: boolean,
  observer: ReceiverLinkObserver,
  onEnd: () => void,
): ReceiverLinkRun {
  return new ReceiverLinkRun(host, sessions, options, context, watchAttach, observer, onEnd);
}

/** The state of one receiver link (see {@link openReceiverLink}); also the holder of its authorization. */
export class ReceiverLinkRun implements ReceiverLink {
  private state: 'acquiring' | 'attaching' | 'open' | 'detaching' | 'gone' = 'acquiring';
  /** Ends the watched wait for the attach's answer (once answered, or the link is gone). */
  private attachAnswered: (() => void) | undefined;
  private attachWatched = false;
  /** Unsubscribed (by the opener, or after an error). */
  private torn = false;
  private stopped = false;
  private lease: SharedSessionLease | undefined;
  private link: Receiver | undefined;
  private detached: Promise<void> | undefined;
  private resolveDetached: (() => void) | undefined;
  private authorization: Unsubscribable | undefined;
  private options: ReceiverOptions | undefined;
  private onEnd: (() => void) | undefined;
  // Called by rhea and the host as plain functions: one closure each.
  private readonly gone = (error: ServiceBusRxError): void => this.onGone(error);
  private readonly onOpen = (): void => this.opened();
  private readonly onClose = (): void => this.closed();
  private readonly onSessionEnd = (): void => this.onGone(remoteCloseError([this.lease?.session.error], this.context));

  constructor(
    private readonly host: LinkHost,
    private readonly sessions: SharedSessions,
    options: ReceiverOptions,
    private readonly context: TranslateContext,
    private readonly watchAttach: boolean,
    private readonly observer: ReceiverLinkObserver,
    onEnd: () => void,
  ) {
    this.options = options;
    this.onEnd = onEnd;
  }

  /**
   * The authorization held for the link (unsubscribed when the link is; at once if it
   * already is).
   */
  holdWith(authorization: Unsubscribable): void {
    if (this.torn) authorization.unsubscribe();
    else this.authorization = authorization;
  }

  /** Takes a place on a shared session and attaches (once authorized). */
  start(): void {
    this.host.onLost(this.gone);
    if (this.torn) return;
    this.sessions.acquire().then(
      (taken) => {
        this.lease = taken;
        if (this.state === 'gone' || this.torn) {
          this.state = 'gone';
          this.removeListeners();
          void taken.release();
          return;
        }
        this.state = 'attaching';
        // An attach the peer may hold (a next-available session) is watched only once given up on.
        if (this.watchAttach) this.watchAttachAnswer();
        const receiver = taken.session.attach_receiver(this.options);
        this.options = undefined;
        taken.track(receiver);
        this.link = receiver;
        receiver.once('receiver_open', this.onOpen);
        receiver.on('receiver_close', this.onClose);
        receiver.on('receiver_error', ignore);
        taken.session.on('session_close', this.onSessionEnd);
        taken.session.on('session_error', ignore);
      },
      (err: ServiceBusRxError) => {
        if (this.state === 'gone') return;
        this.state = 'gone';
        this.removeListeners();
        this.fail(err);
      },
    );
  }

  /** `AuthorizationHolder`: the authorization failed (now or on a later refresh). */
  error(err: unknown): void {
    this.fail(err as ServiceBusRxError);
  }

  /** Detaches the link (once answered) and gives the session place back; releases the authorization. Idempotent. */
  unsubscribe(): void {
    if (this.torn) return;
    this.torn = true;
    this.stopped = true;
    // While acquiring or attaching, the answer detaches and releases (see above); never cut short,
    // but an answer that never comes is bounded like any other wait on the peer.
    if (this.state === 'attaching') this.watchAttachAnswer();
    if (this.state === 'open') void this.close();
    const authorization = this.authorization;
    this.authorization = undefined;
    authorization?.unsubscribe();
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  close(): Promise<void> {
    return (this.detached ??= this.detach());
  }

  /** Tells the observer (once, unless unsubscribed), then unsubscribes. */
  private fail(error: ServiceBusRxError): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.observer.error(error);
    } catch (err) {
      reportUnhandled(err);
    }
    this.unsubscribe();
  }

  private watchAttachAnswer(): void {
    if (this.attachWatched) return;
    this.attachWatched = true;
    void this.host.awaitPeer(new Promise<void>((resolve) => (this.attachAnswered = resolve)));
  }

  private answered(): void {
    const resolve = this.attachAnswered;
    this.attachAnswered = undefined;
    resolve?.();
  }

  private removeListeners(): void {
    this.host.offLost(this.gone);
    const link = this.link;
    link?.removeListener('receiver_open', this.onOpen);
    link?.removeListener('receiver_close', this.onClose);
    link?.removeListener('receiver_error', ignore);
    const session = this.lease?.session;
    session?.removeListener('session_close', this.onSessionEnd);
    session?.removeListener('session_error', ignore);
  }

  /** The link is gone (peer detach, session end, connection loss): report it, give the place back. */
  private onGone(error: ServiceBusRxError): void {
    if (this.state === 'gone') return;
    const wasDetaching = this.state === 'detaching';
    this.state = 'gone';
    this.answered();
    this.removeListeners();
    void this.lease?.release();
    this.resolveDetached?.();
    if (!this.torn && !wasDetaching) this.fail(error);
  }

  private opened(): void {
    this.state = 'open';
    this.answered();
    const receiver = this.link as Receiver;
    const filter = receiver.source?.filter as Record<string, unknown> | undefined;
    const properties = receiver.properties as Record<string, unknown> | undefined;
    // After rhea's attach handling, which stores the peer's frame again once this event returns.
    queueMicrotask(() => forgetAttachFrames(receiver));
    if (this.torn) void this.close();
    else if (!this.stopped) {
      try {
        this.observer.next({ link: receiver, filter, properties });
      } catch (err) {
        reportUnhandled(err);
      }
    }
  }

  // rhea raises receiver_error then receiver_close for a detach with an error: close handles both.
  private closed(): void {
    const { lease, link } = this;
    // The peer's detach: nothing more comes on this link; what it left unsettled must not pin the
    // shared session's delivery buffer.
    if (lease !== undefined && link !== undefined) forgetDeliveries(lease.session, link);
    this.onGone(remoteCloseError([link?.error, lease?.session.error], this.context));
  }

  private detach(): Promise<void> {
    const link = this.link;
    if (this.state !== 'open' || link === undefined) return Promise.resolve();
    this.state = 'detaching';
    if (this.host.closing) {
      // The connection's close (next) releases every link at once.
      this.removeListeners();
      return this.host.whenLost;
    }
    const done = new Promise<void>((resolve) => (this.resolveDetached = resolve));
    link.close();
    // The detach is owed by the peer: bounded by the connection's silence timeout.
    return Promise.race([this.host.awaitPeer(done), this.host.whenLost]);
  }
}

/** An observer that throws is a bug: reported as rxjs reports an error thrown by a subscriber (never into rhea's event dispatch). */
function reportUnhandled(error: unknown): void {
  throwError(() => error).subscribe();
}

/** A listener that marks an event handled (rhea raises unhandled link/session errors on the container). */
function ignore(_context: EventContext): void {
  // The matching close event carries the failure.
}
