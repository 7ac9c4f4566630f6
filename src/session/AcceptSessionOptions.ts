import type { AutoRenewOptions } from '../lock/autoRenew';
import type { OperationOptions } from '../retry/OperationOptions';
import type { SessionStateEncoding } from './sessionStateCodec';

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
  /**
   * How `getState` / `setState` / `state$` store the session state: `'json'` (default; the official JS
   * SDK's rule: a string as its JSON text), `'utf8'` (Python's and .NET's: a string as its raw UTF-8
   * bytes) or a custom `{ encode, decode }`. See docs/migrating-from-azure-service-bus.md.
   */
  readonly stateCodec?: SessionStateEncoding;
  /**
   * `messages$` completes (for its subscribers; the session stays open) once this many ms pass with
   * no message emitted and no peekLock message left unsettled — the session is drained, like the
   * official SDK's `maxWaitTimeInMs`. Counted from the subscription and from each message or
   * settlement, on the client's scheduler. Default: never (`messages$` completes only on close).
   */
  readonly idleTimeout?: number;
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

/** Options of `acceptNextSession`: those of `acceptSession`, plus what "no session" means. */
export interface AcceptNextSessionOptions extends AcceptSessionOptions {
  /**
   * When no session becomes available within `timeout`: `'complete'` (default) completes without
   * emitting (rxjs's "nothing"; what `sessionPool` builds on), `'error'` errors with
   * `NoSessionAvailableError` (typed, final), so `firstValueFrom` rejects with that error rather
   * than rxjs's bare `EmptyError`.
   */
  readonly ifNone?: 'complete' | 'error';
}
