import { catchError, defer, map, of, switchMap, throwError, type Observable, type SchedulerLike } from 'rxjs';
import type { AmqpConnection } from '../amqp/AmqpConnection';
import type { RetryOptions } from '../retry/RetryOptions';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  SessionLockLostError,
  SettlementOutcomeUnknownError,
  type ServiceBusRxError,
} from '../errors';
import {
  getSessionState,
  peekMessages,
  receiveBySequenceNumber,
  setSessionState,
  updateDisposition,
  type DispositionStatus,
  type SessionRequestScope,
} from '../amqp/managementOperations';
import type { RequestResponseLink } from '../amqp/RequestResponseLink';
import type { OperationOptions } from '../retry/OperationOptions';
import { retryWithin } from '../retry/retryWithin';
import { validateTimeout } from '../retry/validateTimeout';
import type { PeekedMessage, ReceivedMessage } from './ReceivedMessage';
import type { PeekOptions } from './Session';
import { PeekedSessionMessage, SessionMessage, type MessageSettler, type Settlement } from './SessionMessage';

/** Default bound of a management operation (the official SDK's default operation timeout). */
export const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;

/** What the operations run on (a `SessionReceiverInit` is one). */
export interface SessionManagementTarget {
  readonly amqp: AmqpConnection;
  readonly entityPath: string;
  readonly sessionId: string;
  readonly retry: RetryOptions;
  readonly scheduler: SchedulerLike;
}

/**
 * The management operations scoped to one session (`$management` requests carrying its session id
 * and link name): state, peek, receive by sequence number, settlement of deferred messages. Each
 * fails fast once the lock is lost, is retried per the client's retry options and bounded by its
 * timeout (default 60 s). Argument errors throw at the call (`InvalidArgumentError`).
 */
export class SessionManagement {
  private lastPeekedSequenceNumber = 0n;

  constructor(
    private readonly init: SessionManagementTarget,
    readonly scope: SessionRequestScope,
    private readonly settler: MessageSettler,
    private readonly peekLock: boolean,
    /** The error the session was torn down with, if it was. */
    private readonly lostError: () => SessionLockLostError | undefined,
  ) {}

  /** One management operation bounded by `options.timeout` (validated here; default 60 s). */
  operation<T>(operation: string, options: OperationOptions | undefined, run: (link: RequestResponseLink) => Observable<T>): Observable<T> {
    const timeout = validateTimeout('options.timeout', options?.timeout) ?? DEFAULT_OPERATION_TIMEOUT_MS;
    return this.operationWithTimeout(operation, timeout, run);
  }

  /** One management operation: fails fast once the lock is lost; retried and bounded by `timeout`. */
  operationWithTimeout<T>(operation: string, timeout: number, run: (link: RequestResponseLink) => Observable<T>): Observable<T> {
    return defer(() => {
      const lost = this.lostError();
      if (lost) return throwError(() => lost);
      const open = this.init.amqp.openManagementLink(this.init.entityPath);
      return open !== undefined ? run(open) : this.init.amqp.management(this.init.entityPath).pipe(switchMap(run));
    }).pipe(retryWithin({ ...this.init.retry, timeout, scheduler: this.init.scheduler, operation: `${operation} (session '${this.init.sessionId}')` }));
  }

  /** The session state's raw bytes (null when none is set). */
  getState(options?: OperationOptions): Observable<Buffer | null> {
    return this.operation('getState', options, (link) => getSessionState(link, this.scope));
  }

  /** Sets the session state's raw bytes (null clears it). */
  setState(bytes: Buffer | null, options?: OperationOptions): Observable<void> {
    return this.operation('setState', options, (link) => setSessionState(link, this.scope, bytes));
  }

  /** See `Session.peek`: continues after the last message peeked unless `fromSequenceNumber` is given. */
  peek(count: number, options?: PeekOptions): Observable<PeekedMessage[]> {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 0x7fffffff) {
      throw new InvalidArgumentError('count', 'must be a positive integer', count);
    }
    const from = options?.fromSequenceNumber;
    if (from !== undefined && (typeof from !== 'bigint' || from < 0n)) {
      throw new InvalidArgumentError('options.fromSequenceNumber', 'must be a non-negative bigint', from);
    }
    return this.operation('peek', options, (link) =>
      peekMessages(link, this.scope, from ?? this.lastPeekedSequenceNumber + 1n, count).pipe(
        catchError((err: unknown) => ((err as ServiceBusRxError).condition === 'com.microsoft:message-not-found' ? of([]) : throwError(() => err))),
      ),
    ).pipe(
      map((messages) => {
        const peeked = messages.map((m) => new PeekedSessionMessage(m, this.init.sessionId));
        const last = peeked[peeked.length - 1];
        if (last && last.sequenceNumber > this.lastPeekedSequenceNumber) this.lastPeekedSequenceNumber = last.sequenceNumber;
        return peeked;
      }),
    );
  }

  /** See `Session.receiveDeferred`. */
  receiveDeferred(sequenceNumbers: readonly bigint[], options?: OperationOptions): Observable<ReceivedMessage[]> {
    if (!Array.isArray(sequenceNumbers) || sequenceNumbers.length === 0 || sequenceNumbers.some((n) => typeof n !== 'bigint' || n < 0n)) {
      throw new InvalidArgumentError('sequenceNumbers', 'must be a non-empty array of non-negative bigints', sequenceNumbers);
    }
    const list = [...sequenceNumbers];
    return this.operation('receiveDeferred', options, (link) => receiveBySequenceNumber(link, this.scope, list, !this.peekLock)).pipe(
      map((messages) => messages.map((m) => new SessionMessage(this.settler, m.message, this.init.sessionId, undefined, m.lockToken, this.peekLock))),
    );
  }

  /**
   * Settles a message received by sequence number (it has no delivery) with update-disposition. A
   * request sent and not answered before the lock or the connection went fails with
   * `SettlementOutcomeUnknownError` (the broker may have applied it).
   */
  settleDeferred(message: SessionMessage, s: Settlement): Observable<void> {
    const token = message.managementLockToken as string;
    const status: DispositionStatus =
      s.kind === 'complete' ? 'completed' : s.kind === 'abandon' ? 'abandoned' : s.kind === 'defer' ? 'defered' : 'suspended';
    let sent = false;
    return this.operationWithTimeout('settle', s.timeout ?? DEFAULT_OPERATION_TIMEOUT_MS, (link) => {
      sent = true;
      return updateDisposition(link, this.scope, [token], status, {
        deadLetterReason: s.reason,
        deadLetterDescription: s.description,
        propertiesToModify: s.propertiesToModify,
      });
    }).pipe(
      catchError((err: unknown) => {
        const lostAfterSending = sent && (err instanceof SessionLockLostError || err instanceof ConnectionClosedError);
        return throwError(() => (lostAfterSending ? new SettlementOutcomeUnknownError(this.init.sessionId, s.kind, { cause: err }) : err));
      }),
    );
  }
}
