import type { Observable } from 'rxjs';
import type { OperationOptions } from '../retry/OperationOptions';
import type { ReceiveMode } from './AcceptSessionOptions';
import type { AutoLockRenewError } from '../lock/AutoLockRenewError';
import type { LockHandle, LockState } from '../lock/LockState';
import type { PeekedMessage, ReceivedMessage } from './ReceivedMessage';

/**
 * Session state as this client sees it. Stored so the official JS SDK reads the same value: a string
 * travels as its JSON text (`"abc"` → the 5 bytes `"abc"`), bytes as they are. See `Session.setState`.
 */
export type SessionState = string | Uint8Array;

/** Options of `Session.peek`. */
export interface PeekOptions extends OperationOptions {
  /** First sequence number to peek. Default: one past the last message this session peeked (initially 1). */
  readonly fromSequenceNumber?: bigint;
}

/**
 * An accepted (locked) session: its lock as a stream, its messages as a stream, its state, and the
 * operations that need the lock. Every operation is a cold Observable (subscribe = one attempt with
 * retries of transient failures, within `timeout`; unsubscribe cancels). Once the lock is lost every
 * operation fails at once with `SessionLockLostError` and sends nothing; its link is closed, and so is
 * the client's connection when nothing else uses it (the client's next operation opens a new one).
 */
export interface Session extends LockHandle {
  readonly sessionId: string;
  /** Lock expiry as last known from the broker (moves on each renewal). */
  readonly lockedUntil: Date;
  readonly receiveMode: ReceiveMode;
  /**
   * The lock's life: `held`, then `renewed` / `tick` / `expiring` …, then one `lost` and complete.
   * Hot and replaying: a late subscriber first gets the current state. It is watched from accept
   * on, so a loss is acted upon (link closed) even with no subscriber.
   */
  readonly lock$: Observable<LockState>;
  /**
   * The session state: fetched from the broker on first subscribe, then every change made through
   * this session object; replays the current value to late subscribers. Completes when the session
   * closes; errors if the fetch fails.
   */
  readonly state$: Observable<SessionState | undefined>;
  /**
   * Messages in sequence-number order. Subscribing grants link credit (`maxCredit`); credit is given
   * back in batches as messages are settled (peekLock) or emitted (receiveAndDelete), so at most
   * `maxCredit` messages are outstanding — backpressure. Concurrent subscribers share the stream;
   * messages that arrive while nobody is subscribed are kept for the next subscriber (in peekLock they
   * stay locked and return to the queue if the session ends first; in receiveAndDelete they are already
   * removed from the queue, so keep a subscriber until you close). Completes when the session is
   * closed; errors with `SessionLockLostError` when the lock is lost otherwise.
   */
  readonly messages$: Observable<ReceivedMessage>;
  /**
   * Aborted when the lock is lost — `lockSafetyMargin` before the broker's expiry — or the session
   * closes (`reason`: the `SessionLockLostError`). Every message of the session carries it as
   * `message.signal`. Reading `aborted` also checks the clock, so after an event-loop stall the first
   * read already reports a lock past its safety point.
   */
  readonly signal: AbortSignal;
  /** The error auto-renewal stopped with (`AutoLockRenewTimeout` / `AutoLockRenewFailed`), if any. */
  readonly autoRenewError: AutoLockRenewError | undefined;
  /** Emits the state (`undefined` when unset; decoding rule in `setState`), then completes. */
  getState(options?: OperationOptions): Observable<SessionState | undefined>;
  /**
   * Stores the state, interoperable with the official JS SDK: a string is stored as the UTF-8 bytes
   * of `JSON.stringify(string)`; a `Uint8Array` as its bytes; `null` clears it. Reading back
   * (`getState`): unset → `undefined`; bytes that JSON-decode to a string → that string; any other
   * bytes → `Uint8Array` (so an SDK-written JSON object arrives as its JSON bytes). Over 256 KiB or
   * another type → `InvalidArgumentError` at the call.
   */
  setState(state: SessionState | null, options?: OperationOptions): Observable<void>;
  /** Renews the lock once: emits the new expiry (also pushed to `lock$` as `renewed`), completes. */
  renewLock(options?: OperationOptions): Observable<Date>;
  /** Reads up to `count` messages without locking them; emits one array (possibly empty). */
  peek(count: number, options?: PeekOptions): Observable<PeekedMessage[]>;
  /** Receives deferred messages by sequence number; emits one array, settle each via its methods. */
  receiveDeferred(sequenceNumbers: readonly bigint[], options?: OperationOptions): Observable<ReceivedMessage[]>;
  /**
   * Closes gracefully (idempotent): stops delivery, lets settlements already sent finish, then detaches
   * the link; `lock$` emits `lost('closed')` and completes, `messages$` completes. Messages received but
   * not settled are made available again by the broker.
   */
  close(): Promise<void>;
}
