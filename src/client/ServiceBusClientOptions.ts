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
   * Only for the `(fullyQualifiedNamespace, credential)` constructor: connect over plain TCP (port 5672
   * unless the namespace names one) like `UseDevelopmentEmulator=true` does for connection strings.
   */
  readonly useDevelopmentEmulator?: boolean;
}
