import type { SchedulerLike } from 'rxjs';
import type { RetryOptions } from '../retry/RetryOptions';

/** Options of a {@link ServiceBusClient}. */
export interface ServiceBusClientOptions {
  /** Retry policy for transient failures. Default: 3 retries, 100 ms, capped at 5 s, exponential. */
  readonly retry?: RetryOptions;
  /** Clock and timers for everything time-based (lock timelines, renewals, timeouts, CBS refresh). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Default `tickPeriod` of each session's `lock$` (ms; 0 = no ticks). Default 1000. */
  readonly tickPeriod?: number;
  /** Default `expiringSoonThreshold` of each session's `lock$` (ms). Default 5000. */
  readonly expiringSoonThreshold?: number;
  /**
   * Default `lockSafetyMargin` of each session (ms): its lock counts as lost this long before the
   * broker's expiry — work cancelled, settlements refused — so that event-loop lag or a clock ahead of
   * the broker's never lets this process work on a session another receiver may already hold.
   * Default: 2000, at most a quarter of the lock duration granted at accept.
   */
  readonly lockSafetyMargin?: number;
  /**
   * How long the broker may stay silent (not one frame received) while the client waits for an answer
   * — an attach, detach, session end, close, management or CBS reply — before the connection is
   * considered dead and its socket destroyed (ms). Every link on it then fails; the next operation
   * opens a new connection. Default 5000. (Silence with nothing awaited is left to the AMQP
   * idle timeout: 60 s advertised, as the official SDK does, so the broker sends heartbeats.)
   */
  readonly peerSilenceTimeout?: number;
  /**
   * Only for the `(fullyQualifiedNamespace, credential)` constructor: connect over plain TCP (port 5672
   * unless the namespace names one) like `UseDevelopmentEmulator=true` does for connection strings.
   */
  readonly useDevelopmentEmulator?: boolean;
}
