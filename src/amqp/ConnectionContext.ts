import { defer, Observable, ReplaySubject, share, throwError, type SchedulerLike } from 'rxjs';
import { ConnectionClosedError } from '../errors';
import type { TokenProvider } from '../auth/TokenProvider';
import { AmqpConnection, type AmqpConnectionConfig } from './AmqpConnection';

/**
 * The one AMQP connection of a client: opened lazily on first use, shared by every session, sender
 * and management link of the client, and replaced by a fresh one (on the next use) after it drops.
 */
export class ConnectionContext {
  private current$: Observable<AmqpConnection> | undefined;
  private currentConnection: AmqpConnection | undefined;
  private closed = false;

  constructor(
    private readonly config: AmqpConnectionConfig,
    private readonly tokens: TokenProvider,
    private readonly scheduler: SchedulerLike,
  ) {}

  /**
   * Cold: emits the open connection (opening one if there is none or the last one dropped), then
   * completes. Errors with `ConnectionClosedError` once the client is closed (not retryable) or when
   * opening fails (retryable).
   */
  connection(): Observable<AmqpConnection> {
    return defer(() => {
      if (this.closed) return throwError(() => new ConnectionClosedError('The client has been closed.', { retryable: false }));
      if (this.currentConnection && !this.currentConnection.isOpen) {
        this.current$ = undefined;
        this.currentConnection = undefined;
      }
      if (!this.current$) {
        this.current$ = AmqpConnection.open(this.config, this.tokens, this.scheduler).pipe(
          share({ connector: () => new ReplaySubject<AmqpConnection>(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: true }),
        );
        const opening$ = this.current$;
        opening$.subscribe({
          next: (c) => {
            if (this.current$ === opening$) this.currentConnection = c;
            if (this.closed) void c.close();
          },
          error: () => {
            if (this.current$ === opening$) this.current$ = undefined;
          },
        });
      }
      return this.current$;
    });
  }

  /** Announces {@link close} to the current connection (see `AmqpConnection.prepareClose`). */
  prepareClose(): void {
    this.currentConnection?.prepareClose();
  }

  /** Closes the connection (if any); later calls to {@link connection} error. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const c = this.currentConnection;
    this.current$ = undefined;
    this.currentConnection = undefined;
    if (c) await c.close();
  }
}
