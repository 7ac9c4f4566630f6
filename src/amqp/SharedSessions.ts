import { SessionEvents, type Connection, type Session } from 'rhea-promise';
import type { SessionLease, SessionSource } from './SessionLease';

/**
 * rhea's incoming window (deliveries received and not yet settled) of an AMQP session, which each
 * link had to itself when it had a session of its own.
 */
const WINDOW_PER_LINK = 2048;

/** Default number of links on one shared session. */
const DEFAULT_LINKS_PER_SESSION = 256;

interface Shared {
  readonly session: Promise<Session>;
  /** Leases taken (including those waiting for the begin). */
  holders: number;
  /** Handed out no more: full, ended by the peer, failed, or ending. */
  retired: boolean;
}

/**
 * AMQP sessions shared by many links (Service Bus and the embedded broker allow many links per session):
 * links are placed on the newest session until it holds `linksPerSession` of them, then a new session is
 * begun. A session ends once its last link is released; a session the peer ended is never handed out
 * again (its links fail through their own session listeners). One rhea session per link costs ~5 KB and
 * a pass of rhea's connection processing loop; sharing makes 10 000 links cost 40 sessions.
 *
 * Each session's incoming window is widened to `linksPerSession` × rhea's default, so a link never has
 * less room for unsettled deliveries than it had on a session of its own, and a delivery held unsettled
 * by one link cannot stall the others (rhea frees window slots in arrival order). rhea grows the buffer
 * behind the window only as deliveries are outstanding.
 */
export class SharedSessions {
  private current: Shared | undefined;

  /**
   * @param whenLost - resolves when the connection is gone: a begin still in flight is then aborted.
   */
  constructor(
    private readonly connection: Connection,
    private readonly whenLost: Promise<void>,
    private readonly linksPerSession: number = DEFAULT_LINKS_PER_SESSION,
  ) {}

  /**
   * A {@link SessionSource}: a lease on the newest session with room, begun if there is none. The
   * caller's abort signal is not used: a shared begin is aborted only when the connection is lost.
   */
  readonly acquire: SessionSource = () => {
    let shared = this.current;
    if (shared === undefined || shared.retired || shared.holders >= this.linksPerSession) {
      if (shared !== undefined) shared.retired = true;
      shared = this.begin();
      this.current = shared;
    }
    shared.holders++;
    const taken = shared;
    return taken.session.then(
      (session) => this.lease(taken, session),
      (err: unknown) => {
        taken.holders--;
        this.retire(taken);
        throw err;
      },
    );
  };

  private begin(): Shared {
    const abort = new AbortController();
    let begun = false;
    void this.whenLost.then(() => {
      if (!begun) abort.abort();
    });
    const session = this.connection.createSession({ abortSignal: abort.signal }).then((s) => {
      begun = true;
      s.incoming.deliveries.capacity = WINDOW_PER_LINK * this.linksPerSession;
      // Each link on it listens for the session's end (openLinks): two listeners per link are expected.
      s.setMaxListeners(2 * this.linksPerSession + 10);
      const ended = (): void => this.retire(shared);
      s.once(SessionEvents.sessionClose, ended);
      s.once(SessionEvents.sessionError, ended);
      return s;
    });
    const shared: Shared = { session, holders: 0, retired: false };
    return shared;
  }

  private lease(shared: Shared, session: Session): SessionLease {
    let released: Promise<void> | undefined;
    return {
      session,
      release: () => (released ??= this.release(shared, session)),
    };
  }

  private release(shared: Shared, session: Session): Promise<void> {
    shared.holders--;
    if (shared.holders > 0) return Promise.resolve();
    this.retire(shared);
    return session.close().catch(() => undefined);
  }

  private retire(shared: Shared): void {
    shared.retired = true;
    if (this.current === shared) this.current = undefined;
  }
}
