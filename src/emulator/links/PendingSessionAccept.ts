import type { BrokerServices } from '../BrokerServices';
import type { SessionWaiter } from '../entities/Consumer';
import type { MessageSession } from '../entities/MessageSession';
import { Deadline } from '../locks/Deadline';
import { Conditions, type AmqpError } from '../wire/conditions';
import type { DeliveryLink } from './DeliveryLink';

/**
 * An `acceptNextSession` attach held until a session has messages: granted as soon as one becomes
 * available (the broker then answers the attach), or refused with `com.microsoft:timeout` after the
 * requested wait. Its timeout is a deadline in the broker's one heap.
 */
export class PendingSessionAccept implements SessionWaiter {
  private readonly deadline: Deadline;

  constructor(
    readonly consumer: DeliveryLink,
    private readonly services: BrokerServices,
    private readonly timeoutMs: number,
    private readonly onGranted: (session: MessageSession) => void,
  ) {
    this.deadline = new Deadline(0, () => this.timedOut());
  }

  /** Starts waiting; the link's release cancels the wait. */
  start(now: number): void {
    this.consumer.pending = this;
    this.consumer.queue.sessions.wait(this);
    this.services.deadlines.schedule(this.deadline, now + this.timeoutMs);
  }

  /** @inheritdoc */
  granted(session: MessageSession): void {
    this.services.deadlines.cancel(this.deadline);
    this.consumer.pending = undefined;
    this.onGranted(session);
  }

  /** Stops waiting (the link went away). */
  cancel(): void {
    this.consumer.queue.sessions.cancelWait(this);
    this.services.deadlines.cancel(this.deadline);
  }

  /** @inheritdoc */
  abort(error: AmqpError): void {
    this.services.deadlines.cancel(this.deadline);
    this.refuse(error);
  }

  private timedOut(): void {
    // The SDK raises ServiceTimeout.
    this.refuse({
      condition: Conditions.timeout,
      description: `The operation did not complete within the allotted timeout of ${this.timeoutMs} ms. No unlocked session with messages became available.`,
    });
  }

  private refuse(error: AmqpError): void {
    const sender = this.consumer.sender;
    this.consumer.release();
    // Attach with a null source, then detach, in the same tick (doc 4.3).
    sender.open();
    sender.close(error);
  }
}
