import type { AutoRenewOptions } from '../lock/autoRenew';
import type { OperationOptions } from '../retry/OperationOptions';

/** How messages are taken from a session. */
export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** Options of `acceptSession` / `acceptNextSession`. */
export interface AcceptSessionOptions extends OperationOptions {
  /** `peekLock` (default): messages are locked until settled. `receiveAndDelete`: removed on delivery. */
  readonly receiveMode?: ReceiveMode;
  /**
   * Keep the session lock alive: the session does what `lock$.pipe(autoRenew(options))` does itself
   * (without a subscription), and exposes a failure as `session.autoRenewError`. Default `false` (no renewal).
   */
  readonly autoRenew?: AutoRenewOptions | false;
  /** Link credit window of `messages$`: at most this many messages delivered and not yet settled. Integer 1..2000, default 100. */
  readonly maxCredit?: number;
  /** `lock$` tick period in ms (0 = no ticks). Default: the client's, else 1000. */
  readonly tickPeriod?: number;
  /** `lock$` emits `expiring` when less than this many ms remain. Default: the client's, else 5000. */
  readonly expiringSoonThreshold?: number;
  /**
   * The lock counts as lost this many ms before the broker's expiry (`lock$` emits `lost` `'expired'`,
   * the session's `signal` aborts, settlements are refused). Default: the client's, else 2000 capped
   * at a quarter of the lock duration granted at accept.
   */
  readonly lockSafetyMargin?: number;
}
