import type { Connection, Session } from 'rhea-promise';

/** The AMQP session a set of links is attached on, held until those links are detached. */
export interface SessionLease {
  readonly session: Session;
  /**
   * Gives the session back once the lease's links are detached (an own session is ended).
   * Idempotent; never rejects; resolves when done.
   */
  release(): Promise<void>;
}

/**
 * Where links get their AMQP session: a lease, or a rejection as `createSession` rejects (also when
 * `abortSignal` aborts while a session of its own is being begun).
 */
export type SessionSource = (abortSignal?: AbortSignal) => Promise<SessionLease>;

/** A session of its own for one set of links (management, CBS and sender links): begun here, ended on release. */
export function ownSession(connection: Connection): SessionSource {
  return async (abortSignal) => {
    const session = await connection.createSession(abortSignal === undefined ? undefined : { abortSignal });
    let ended: Promise<void> | undefined;
    return {
      session,
      release: () => (ended ??= session.close().catch(() => undefined)),
    };
  };
}
