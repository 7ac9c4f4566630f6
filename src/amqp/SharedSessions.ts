import type { Connection, EventContext, Session } from 'rhea';
import { compactDeliveries, deliverUndecoded, exactDispositions, leanReceivers, processMarkedLinks, skipIdleOutgoing, type LinkMarker } from './rhea';
import { toAmqpOpenError } from './toAmqpOpenError';

/**
 * rhea's default incoming window of an AMQP session (deliveries received and not yet settled), which
 * each link had to itself when it had a session of its own.
 */
const WINDOW_PER_LINK = 2048;

/** Default number of links on one shared session. */
const DEFAULT_LINKS_PER_SESSION = 256;

/** A place on a shared AMQP session for one link. */
export interface SharedSessionLease {
  readonly session: Session;
  /** Call right after attaching a link on `session` (see {@link processMarkedLinks}). */
  readonly track: LinkMarker['track'];
  /**
   * Gives the place back once the link is detached: the session ends when its last holder releases
   * it. Idempotent; never rejects; resolves once done (or once the connection is gone).
   */
  release(): Promise<void>;
}

/** One shared session and its holders (internal). */
export interface Shared {
  readonly session: Session;
  readonly marker: LinkMarker;
  /** Resolves once the peer answered the begin; rejects if it refused or the connection went. */
  readonly opened: Promise<Session>;
  /** Leases taken (including those waiting for the begin). */
  holders: number;
  /** Handed out no more: full, ended by the peer, failed, or ending. */
  retired: boolean;
}

/**
 * AMQP sessions shared by many receiver links (Service Bus and the embedded broker allow many links per
 * session): links are placed on the newest session until it holds `linksPerSession`, then a new session
 * is begun. A session ends once its last link is released; a session the peer ended is never handed
 * out again (its links fail through their own session listeners). One rhea session per link costs
 * ~5 KB and a pass of rhea's processing loop; sharing makes 10 000 links cost 40 sessions.
 *
 * Messages arrive undecoded (see {@link deliverUndecoded}). Each session's incoming window is `linksPerSession` × rhea's default, so a link never has less room
 * for unsettled deliveries than on a session of its own, and a delivery held unsettled by one link
 * cannot stall the others (rhea frees window slots in arrival order). rhea grows the buffer behind the
 * window only as deliveries are outstanding.
 */
export class SharedSessions {
  private current: Shared | undefined;

  /**
   * @param connection - the rhea connection (open) the sessions are begun on.
   * @param lostSignal - aborted when the connection is gone: a begin still in flight then fails.
   * @param whenLost - resolves when the connection is gone (bounds waits for an end that cannot come).
   */
  constructor(
    private readonly connection: Connection,
    private readonly lostSignal: AbortSignal,
    private readonly whenLost: Promise<void>,
    /** Counts a begin or an end as a wait on the peer (see `LinkHost.awaitPeer`). */
    private readonly awaitPeer: <T>(reply: Promise<T>) => Promise<T> = (reply) => reply,
    private readonly linksPerSession: number = DEFAULT_LINKS_PER_SESSION,
  ) {}

  /**
   * A lease on the newest session with room, begun if there is none. Rejects with the translated
   * error when the peer refuses the begin, or `ConnectionClosedError` when the connection is gone.
   */
  acquire(): Promise<SharedSessionLease> {
    let shared = this.current;
    if (shared === undefined || shared.retired || shared.holders >= this.linksPerSession) {
      if (shared !== undefined) shared.retired = true;
      shared = this.begin();
      this.current = shared;
    }
    shared.holders++;
    const taken = shared;
    return taken.opened.then(
      (session) => this.lease(taken, session),
      (err: unknown) => {
        taken.holders--;
        this.retire(taken);
        throw err;
      },
    );
  }

  private begin(): Shared {
    const session = this.connection.create_session({ incoming: WINDOW_PER_LINK * this.linksPerSession });
    // Every link on it listens for the session's end: two listeners per link are expected.
    session.setMaxListeners(2 * this.linksPerSession + 10);
    // Session receivers decode a message only when its fields are first read.
    deliverUndecoded(session);
    // One class-shaped object per delivery instead of rhea's dictionary-mode literal with closures.
    compactDeliveries(session);
    // Receivers without per-instance getters: fast-mode objects, ~3 KB less each.
    leanReceivers(session);
    // Each settlement keeps its own outcome (rhea folds adjacent ones into the first one's).
    exactDispositions(session);
    // A pass visits only the links that asked for one (not all of them, on every reply).
    const marker = processMarkedLinks(session);
    // Receivers only: the outgoing side is idle, and its pass then allocates nothing.
    skipIdleOutgoing(session);
    const shared: Shared = { session, marker, opened: this.awaitPeer(this.whenBegun(session)), holders: 0, retired: false };
    const retire = (): void => this.retire(shared);
    // Ended by the peer (or with an error) after the begin: hand it out no more. These listeners also
    // keep rhea from raising an unhandled session error on the container.
    session.on('session_close', retire);
    session.on('session_error', retire);
    return shared;
  }

  /** Begins `session`; resolves once the peer answered, rejects if it refused or the connection went. */
  private whenBegun(session: Session): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      const settle = (): void => {
        session.removeListener('session_open', onOpen);
        session.removeListener('session_close', onRefused);
        this.lostSignal.removeEventListener('abort', onLost);
      };
      const onOpen = (): void => {
        settle();
        resolve(session);
      };
      const onRefused = (context: EventContext): void => {
        settle();
        reject(toAmqpOpenError(context.session?.error ?? new Error('The broker refused the AMQP session.')));
      };
      const onLost = (): void => {
        settle();
        reject(toAmqpOpenError(new Error('The connection was lost while beginning an AMQP session.')));
      };
      if (this.lostSignal.aborted) return onLost();
      session.once('session_open', onOpen);
      session.once('session_close', onRefused);
      this.lostSignal.addEventListener('abort', onLost);
      session.begin();
    });
  }

  private lease(shared: Shared, session: Session): SharedSessionLease {
    return new Lease(this, shared, session);
  }

  /** What a lease's `release()` does (once per lease). */
  giveBack(shared: Shared, session: Session): Promise<void> {
    shared.holders--;
    if (shared.holders > 0) return Promise.resolve();
    this.retire(shared);
    if (!session.is_open()) return Promise.resolve();
    const ended = new Promise<void>((resolve) => session.once('session_close', () => resolve()));
    session.close();
    return Promise.race([this.awaitPeer(ended), this.whenLost]);
  }

  private retire(shared: Shared): void {
    shared.retired = true;
    if (this.current === shared) this.current = undefined;
  }
}

/** One link's place on a shared session: one object (thousands are held), no closures. */
class Lease implements SharedSessionLease {
  private released: Promise<void> | undefined;

  constructor(
    private readonly owner: SharedSessions,
    private readonly shared: Shared,
    readonly session: Session,
  ) {}

  get track(): LinkMarker['track'] {
    return this.shared.marker.track;
  }

  release(): Promise<void> {
    return (this.released ??= this.owner.giveBack(this.shared, this.session));
  }
}
