import { catchError, concat, concatMap, defer, EMPTY, from, ignoreElements, map, merge, of, share, tap, timer, type Observable, type SchedulerLike } from 'rxjs';
import { isAutoRenewErrorEvent } from '../../lock/AutoLockRenewError';
import { autoRenew } from '../../lock/autoRenew';
import type { ReceivedMessage } from '../../session/ReceivedMessage';
import type { Session } from '../../session/Session';
import type { DemoEvent, OrderCheckpoint, OrderMessage } from './DemoEvent';
import { isOrderMessage, nextCheckpoint, parseCheckpoint } from './orderPlan';

/** How one consumer processes a session. */
export interface SessionProcessing {
  /** Consumer name shown in the view. */
  readonly consumer: string;
  /** `autoRenew` budget (ms). */
  readonly maxRenewalMs: number;
  /** Simulated handling time of a message (ms). */
  readonly handlerMs: (message: OrderMessage) => number;
  /** The queue's lock duration, for the lock bar. */
  readonly lockDurationMs: number;
  /** True once the demo is shutting down: no new message is handled, and a close reads as `stopped`. */
  readonly stopping: () => boolean;
  /** Wraps each settlement (with its checkpoint), so that a stop can wait for those under way. */
  readonly track: <T>(settle$: Observable<T>) => Observable<T>;
  readonly scheduler: SchedulerLike;
}

/**
 * Processes one customer's session and reports everything as `DemoEvent`s:
 * - the lock, through `lock$.pipe(autoRenew(...))` (which also keeps it alive within the budget);
 * - the messages, one at a time: resume from the session-state checkpoint (a message at or before
 *   the checkpoint was processed by an earlier holder and is only completed), dead-letter an invalid
 *   item, else save the new checkpoint with `setState` and complete; `order-submitted` closes the session.
 * Completes when the session ended (closed or lost). A lost lock ends message processing quietly (the
 * messages go back to the queue); other failures become `session-error` / `settle-failed` events.
 */
export function processOrderSession(session: Session, p: SessionProcessing): Observable<DemoEvent> {
  return defer(() => {
    const { consumer, scheduler } = p;
    const { sessionId } = session;
    const at = () => ({ consumer, sessionId, at: scheduler.now() });
    let submitted = false;
    let checkpoint: OrderCheckpoint | undefined;

    const lockEvents$ = session.lock$.pipe(
      autoRenew({ maxDuration: p.maxRenewalMs, scheduler }),
      concatMap((state): DemoEvent[] => {
        if (isAutoRenewErrorEvent(state)) return [{ type: 'auto-renew-error', ...at(), errorName: state.error.name, detail: state.error.message }];
        if (state.kind !== 'lost') return [{ type: 'lock', ...at(), kind: state.kind, remainingMs: state.remainingMs }];
        if (state.reason === 'closed') return [{ type: 'closed', ...at(), why: submitted ? 'submitted' : p.stopping() ? 'stopped' : 'idle' }];
        return [
          { type: 'lock-lost', ...at(), reason: state.reason, detail: state.error.message },
          { type: 'closed', ...at(), why: 'lost' },
        ];
      }),
    );

    const handle = (message: ReceivedMessage): Observable<DemoEvent> => {
      const order = message.body;
      if (!isOrderMessage(order)) {
        return p.track(message.deadLetter({ reason: 'NotAnOrder', description: 'body is not an order message' }).pipe(
          map((): DemoEvent => ({ type: 'dead-lettered', ...at(), messageId: String(message.messageId), reason: 'NotAnOrder' })),
        ));
      }
      const work$ = defer((): Observable<DemoEvent> => {
        if (checkpoint !== undefined && order.index <= checkpoint.lastIndex) {
          // Already in the checkpoint: an earlier holder processed it but did not get to complete it.
          const kept = checkpoint;
          return message.complete().pipe(map((): DemoEvent => ({ type: 'completed', ...at(), messageId: order.id, checkpoint: kept })));
        }
        if ((order.quantity ?? 0) < 0) {
          return message
            .deadLetter({ reason: 'InvalidQuantity', description: `quantity ${order.quantity} in ${order.id}` })
            .pipe(map((): DemoEvent => ({ type: 'dead-lettered', ...at(), messageId: order.id, reason: 'InvalidQuantity' })));
        }
        const next = nextCheckpoint(checkpoint, order);
        // Checkpoint first, then complete: a crash in between redelivers a message the checkpoint already covers.
        const saveAndComplete$ = concat(session.setState(JSON.stringify(next)), message.complete()).pipe(ignoreElements());
        return concat(
          saveAndComplete$,
          defer(() => {
            checkpoint = next;
            const completed: DemoEvent = { type: 'completed', ...at(), messageId: order.id, checkpoint: next };
            if (order.step !== 'order-submitted') return of(completed);
            submitted = true;
            return concat(of(completed), from(session.close()).pipe(ignoreElements()));
          }),
        );
      }).pipe(
        catchError((error: unknown) => {
          if (isLockLost(error)) throw error; // ends this session's processing; the messages are redelivered
          return of<DemoEvent>({ type: 'settle-failed', ...at(), messageId: order.id, errorName: nameOf(error), detail: messageOf(error) });
        }),
      );
      return timer(p.handlerMs(order), scheduler).pipe(concatMap(() => (p.stopping() ? EMPTY : p.track(work$))));
    };

    const messageEvents$ = concat(
      session.getState().pipe(
        tap((state) => (checkpoint = parseCheckpoint(state))),
        ignoreElements(),
      ),
      // Every arrival is reported at once (the ledger then knows what was in flight when a lock is
      // lost); handling is one message at a time, in order.
      session.messages$.pipe(
        share(),
        (arrivals$) =>
          merge(
            arrivals$.pipe(map((m): DemoEvent => ({ type: 'received', ...at(), messageId: orderId(m), deliveryCount: m.deliveryCount }))),
            arrivals$.pipe(concatMap(handle)),
          ),
      ),
    ).pipe(
      catchError((error: unknown) =>
        isLockLost(error) || p.stopping()
          ? EMPTY
          : of<DemoEvent>({ type: 'session-error', ...at(), errorName: nameOf(error), detail: messageOf(error) }),
      ),
    );

    const accepted: DemoEvent = { type: 'accepted', ...at(), lockedUntil: session.lockedUntil.getTime(), lockDurationMs: p.lockDurationMs };
    return concat(of(accepted), merge(lockEvents$, messageEvents$));
  });
}

function orderId(message: ReceivedMessage): string {
  return isOrderMessage(message.body) ? message.body.id : String(message.messageId);
}
function isLockLost(error: unknown): boolean {
  return nameOf(error) === 'SessionLockLostError';
}
function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
