import { types } from '../../rhea/codec';
import { MessageState, type StoredMessage } from '../../entities/StoredMessage';
import { longToNumber } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { heldSession, optionalSessionId, sequenceNumbers, type Operation, queueOf } from '../OperationContext';

/**
 * `com.microsoft:receive-by-sequence-number`: receives deferred messages. In peekLock
 * (`receiver-settle-mode` 1) each is locked and returned with its `lock-token` (RFC-order uuid), to be
 * settled with `update-disposition`; in receiveAndDelete (0) they are removed. Session queues require the
 * caller to hold the session lock. 404 `message-not-found` when a number is not a deferred message.
 */
export const receiveBySequenceNumber: Operation = (context) => {
  const { now, services } = context;
  const queue = queueOf(context);
  const numbers = sequenceNumbers(context, 'sequence-numbers');
  const sessionId = optionalSessionId(context);
  if (queue.requiresSession && sessionId === undefined) throw ManagementError.argument('session-id', 'is required for a session entity');
  const session = sessionId === undefined ? undefined : heldSession(context, sessionId);
  const peekLock = longToNumber(context.body['receiver-settle-mode'] ?? 1) !== 0;
  const found: StoredMessage[] = numbers.map((sequenceNumber) => {
    const message = queue.messages.get(sequenceNumber);
    const eligible = message !== undefined && message.state === MessageState.deferred && message.lock === undefined;
    if (!eligible || (session !== undefined && message.sessionId !== session.id)) throw ManagementError.messageNotFound(sequenceNumber, 'deferred');
    return message;
  });
  const messages = found.map((message) => {
    if (!peekLock) {
      const encoded = message.encode(undefined);
      queue.complete(message);
      return { message: encoded };
    }
    const lockedUntil = queue.lockForManagement(message, session, now);
    const token = message.lock?.token ?? 0;
    return { message: message.encode(lockedUntil), 'lock-token': types.wrap_uuid(services.lockTokens.uuid(token)) };
  });
  return { body: { messages } };
};
