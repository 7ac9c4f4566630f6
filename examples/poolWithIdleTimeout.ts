/**
 * A session pool that moves on by itself: sessions whose traffic has stopped are closed after
 * `sessionIdleTimeout`, freeing the slot for the next session with messages. The handler never closes
 * a session; it does not know which message is a customer's last. Each session's `lock$` shows how it
 * ended (`lost` with reason `'closed'`).
 */
import { concatMap, filter, lastValueFrom, map, merge, mergeMap, scan, takeWhile, type Observable } from 'rxjs';
import { ServiceBusClient, sessionPool, type Session } from '../src';
import { runIfMain, withConnection } from './withConnection';

const QUEUE = 'telemetry';

/** What happened, in order: which session was accepted, each message handled, each session closed and why. */
export type PoolEvent =
  | { readonly kind: 'accepted'; readonly sessionId: string }
  | { readonly kind: 'message'; readonly sessionId: string; readonly body: unknown }
  | { readonly kind: 'ended'; readonly sessionId: string; readonly reason: string };

/**
 * Sends 2 readings for each of 5 devices (one session per device), then consumes them with a pool of
 * 2 sessions and a 300 ms idle timeout; stops once every device's session was closed.
 */
export async function main(connectionString?: string): Promise<PoolEvent[]> {
  return withConnection(connectionString, [{ name: QUEUE }], async (cs) => {
    const client = new ServiceBusClient(cs);
    try {
      const devices = ['d1', 'd2', 'd3', 'd4', 'd5'];
      await lastValueFrom(client.send(QUEUE, devices.flatMap((d) => [1, 2].map((n) => ({ body: { device: d, reading: n }, sessionId: d })))));

      const events$ = sessionPool(client, QUEUE, { maxConcurrentSessions: 2, sessionIdleTimeout: 300 }).pipe(mergeMap(follow));
      return await lastValueFrom(
        events$.pipe(
          scan((all, e) => [...all, e], [] as PoolEvent[]),
          takeWhile((all) => all.filter((e) => e.kind === 'ended').length < devices.length, true),
        ),
      );
    } finally {
      await client.close();
    }
  });
}

/** One session's story: accepted, its messages (each completed), and how it ended. */
function follow(session: Session): Observable<PoolEvent> {
  const { sessionId } = session;
  const messages$ = session.messages$.pipe(
    concatMap((m) => m.complete().pipe(map((): PoolEvent => ({ kind: 'message', sessionId, body: m.body })))),
  );
  const ended$ = session.lock$.pipe(
    filter((state) => state.kind === 'lost'),
    map((state): PoolEvent => ({ kind: 'ended', sessionId, reason: state.kind === 'lost' ? state.reason : state.kind })),
  );
  return merge([{ kind: 'accepted', sessionId } as PoolEvent], messages$, ended$);
}

runIfMain(module, main);
