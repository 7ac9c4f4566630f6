import { Deadline } from '../locks/Deadline';
import type { Consumer } from './Consumer';
import { SequenceQueue } from './SequenceQueue';
import type { StoredMessage } from './StoredMessage';

/** One Service Bus session of a session-enabled queue: its messages, its state and its lock. */
export class MessageSession {
  /** Active messages that can be delivered, in sequence-number order. */
  readonly available = new SequenceQueue();
  /** Messages of this session still in the queue, in any state. */
  messageCount = 0;
  /** Session state (`set-session-state`); kept across lock holders. */
  state: Buffer | null = null;
  /** Last enqueue or state change (Unix ms), for `get-message-sessions`. */
  lastUpdated: number;
  /** The link holding the session lock. */
  holder: Consumer | undefined = undefined;
  /** Lock expiry in Unix ms (meaningful while `holder` is set). */
  lockedUntil = 0;
  /** The lock's expiry entry in the broker's deadline heap. */
  readonly lockDeadline: Deadline;
  /** Deferred messages received by sequence number under the current lock. */
  readonly managementLocked = new Set<StoredMessage>();

  constructor(
    readonly id: string,
    now: number,
    onLockExpired: (session: MessageSession) => void,
  ) {
    this.lastUpdated = now;
    this.lockDeadline = new Deadline(0, () => onLockExpired(this));
  }

  /** Nothing worth keeping: no messages, no state, no lock. */
  get idle(): boolean {
    return this.messageCount === 0 && this.state === null && this.holder === undefined;
  }
}
