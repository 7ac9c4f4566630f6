import type { Broker } from '../Broker';
import type { MessageSession } from '../entities/MessageSession';
import type { Queue } from '../entities/Queue';
import { encodeRenewReply } from './encodeReply';

/** A `renew-session-lock` request that will succeed: {@link answer} renews the lock and returns the reply's bytes. */
export class RenewAnswer {
  constructor(
    /** The request's `reply-to`. */
    readonly replyTo: string,
    private readonly messageId: string,
    private readonly queue: Queue,
    private readonly session: MessageSession,
    private readonly broker: Broker,
  ) {}

  /** Renews the session lock: the reply `{ expiration }`, status 200, correlation id the request's message id. */
  answer(): Buffer {
    return encodeRenewReply(this.messageId, this.queue.sessions.renew(this.session, this.broker.now()));
  }
}
