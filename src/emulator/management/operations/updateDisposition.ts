import type { StoredMessage } from '../../entities/StoredMessage';
import { asRecord, asString } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { heldSession, lockTokenKeys, optionalSessionId, type Operation, type OperationContext, queueOf } from '../OperationContext';

/**
 * `com.microsoft:update-disposition`: settles locked messages by lock token (deferred messages received by
 * sequence number, or plain-queue messages whose link is gone). `disposition-status`: `completed`,
 * `abandoned`, `defered` [sic], `suspended` (dead-letter, with `deadletter-reason` / `-description`);
 * `properties-to-modify` are applied to the application properties. 410 when a lock is unknown or lost.
 */
export const updateDisposition: Operation = (context) => {
  const { now, body } = context;
  const queue = queueOf(context);
  const sessionId = optionalSessionId(context);
  if (sessionId !== undefined) heldSession(context, sessionId);
  const messages = lockedMessages(context, sessionId);
  const properties = asRecord(body['properties-to-modify']);
  const status = asString(body['disposition-status']);
  const apply = (message: StoredMessage): void => {
    switch (status) {
      case 'completed':
        return queue.complete(message);
      case 'abandoned':
        return queue.abandon(message, properties, now);
      case 'defered':
      case 'deferred':
        return queue.defer(message, properties);
      case 'suspended':
        return queue.deadLetter(
          message,
          { reason: asString(body['deadletter-reason']), description: asString(body['deadletter-description']), properties },
          now,
        );
      default:
        throw ManagementError.argument('disposition-status', 'must be completed, abandoned, defered or suspended');
    }
  };
  for (const message of messages) apply(message);
  return { body: {} };
};

function lockedMessages(context: OperationContext, sessionId: string | undefined): StoredMessage[] {
  const lost = (): ManagementError => (sessionId === undefined ? ManagementError.messageLockLost() : ManagementError.sessionLockLost(sessionId));
  let keys: number[];
  try {
    keys = lockTokenKeys(context);
  } catch (error: unknown) {
    if (error instanceof ManagementError && error.statusCode === 410) throw lost();
    throw error;
  }
  return keys.map((key) => {
    const message = queueOf(context).lockedByToken.get(key);
    if (message === undefined || (sessionId !== undefined && message.sessionId !== sessionId)) throw lost();
    return message;
  });
}
