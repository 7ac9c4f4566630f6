import type { Sender } from 'rhea';
import type { BrokerServices } from '../BrokerServices';
import type { BrokerConnection } from '../connection/BrokerConnection';
import type { MessageSession } from '../entities/MessageSession';
import type { Queue } from '../entities/Queue';
import { linkInternals } from '../rhea/internals';
import { roomPerLink } from '../rhea/roomPerLink';
import { Conditions, type AmqpError } from '../wire/conditions';
import { ticksLong } from '../wire/ticks';
import { asRecord } from '../wire/values';
import { DeliveryLink } from './DeliveryLink';
import type { Guard } from './guard';
import { MAX_SESSION_ID_LENGTH } from '../entities/intakeError';
import { PendingSessionAccept } from './PendingSessionAccept';

const SESSION_FILTER = 'com.microsoft:session-filter';
const LOCKED_UNTIL = 'com.microsoft:locked-until-utc';
const TIMEOUT_PROPERTY = 'com.microsoft:timeout';
/** Longest next-available wait (Service Bus caps `com.microsoft:timeout` at 1 min 5 s). */
export const MAX_SESSION_WAIT_MS = 65_000;
const DEFAULT_SESSION_WAIT_MS = 60_000;

/**
 * Answers a client receiver's attach to a queue or dead-letter queue:
 *
 * - plain queue (no session filter): a competing consumer;
 * - `com.microsoft:session-filter` = id: locks that session, or refuses with
 *   `com.microsoft:session-cannot-be-locked` when another link holds it;
 * - filter = null: locks the next unlocked session with messages, holding the attach up to
 *   `com.microsoft:timeout` (max 65 s) for one to appear, then refuses with `com.microsoft:timeout`.
 *
 * A successful session attach echoes the session id in the source filter and carries
 * `com.microsoft:locked-until-utc` in .NET ticks. A refusal is an attach with a null source followed by
 * a detach with the error, in the same tick (doc 4.3).
 */
export function openDeliveryLink(sender: Sender, queue: Queue, connection: BrokerConnection, services: BrokerServices, guard: Guard): void {
  const attach = linkInternals(sender).local.attach;
  attach.snd_settle_mode = sender.snd_settle_mode;
  attach.rcv_settle_mode = sender.rcv_settle_mode;
  const filter = asRecord(sender.source?.filter);
  const sessionful = filter !== undefined && Object.prototype.hasOwnProperty.call(filter, SESSION_FILTER);
  if (queue.requiresSession && !sessionful) {
    return refuse(sender, {
      condition: Conditions.notAllowed,
      description: `It is not possible for an entity that requires sessions to create a non-sessionful message receiver (entity '${queue.name}').`,
    });
  }
  if (!queue.requiresSession && sessionful) {
    return refuse(sender, {
      condition: Conditions.notAllowed,
      description: `A sessionful message receiver cannot be created on an entity that does not require sessions (entity '${queue.name}').`,
    });
  }
  roomPerLink(sender);
  const link = new DeliveryLink(sender, queue, connection, services, sender.snd_settle_mode === 1);
  link.listen(guard);
  connection.addDeliveryLink(link);
  const now = services.now();
  if (!sessionful) {
    answer(sender, undefined);
    queue.addConsumer(link);
    return;
  }
  const requested = filter?.[SESSION_FILTER];
  if (typeof requested === 'string') {
    if (requested.length === 0 || [...requested].length > MAX_SESSION_ID_LENGTH) {
      link.release();
      return refuse(sender, { condition: Conditions.argumentError, description: `The session id must be 1 to ${MAX_SESSION_ID_LENGTH} characters long.` });
    }
    const session = queue.sessions.accept(requested, link, now);
    if (session === undefined) {
      link.release();
      return refuse(sender, {
        condition: Conditions.sessionCannotBeLocked,
        description: `The requested session '${requested}' cannot be accepted. It may be locked by another receiver.`,
      });
    }
    return bind(link, session);
  }
  if (requested !== null && requested !== undefined) {
    link.release();
    return refuse(sender, { condition: Conditions.argumentError, description: 'The session filter must be a string or null.' });
  }
  const session = queue.sessions.acceptNext(link, now);
  if (session !== undefined) return bind(link, session);
  // Hold the attach: rhea opened the link before emitting sender_open; undo that until a session is found.
  const state = linkInternals(sender).state;
  state.local_open = false;
  state.open_requests = 0;
  new PendingSessionAccept(link, services, sessionWait(sender), (granted) => {
    bind(link, granted);
    sender.open();
  }).start(now);
}

/** Completes a session attach: echo the session id, announce the lock expiry. */
function bind(link: DeliveryLink, session: MessageSession): void {
  link.session = session;
  answer(link.sender, { [SESSION_FILTER]: session.id });
  linkInternals(link.sender).local.attach.properties = { [LOCKED_UNTIL]: ticksLong(session.lockedUntil) };
}

function answer(sender: Sender, filter: Record<string, unknown> | undefined): void {
  sender.set_source(filter === undefined ? { address: sender.source?.address } : { address: sender.source?.address, filter });
  sender.set_target({ address: sender.target?.address });
}

function refuse(sender: Sender, error: AmqpError): void {
  sender.close(error);
}

function sessionWait(sender: Sender): number {
  const requested = asRecord(sender.properties)?.[TIMEOUT_PROPERTY];
  const ms = typeof requested === 'number' && requested >= 0 ? requested : DEFAULT_SESSION_WAIT_MS;
  return Math.min(ms, MAX_SESSION_WAIT_MS);
}
