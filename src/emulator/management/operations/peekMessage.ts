import type { BinaryParts } from '../../rhea/BinaryParts';
import { longToNumber } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { optionalSessionId, type Operation, queueOf } from '../OperationContext';

/**
 * `com.microsoft:peek-message`: up to `message-count` messages (any state) from `from-sequence-number` on,
 * of one session when `session-id` is given. No lock is taken and nothing changes. 204 when none.
 */
export const peekMessage: Operation = (context) => {
  const from = longToNumber(context.body['from-sequence-number'] ?? 1);
  const count = longToNumber(context.body['message-count'] ?? 1);
  if (from === undefined) throw ManagementError.argument('from-sequence-number', 'must be a long');
  if (count === undefined || count < 1) throw ManagementError.argument('message-count', 'must be a positive int');
  const sessionId = optionalSessionId(context);
  // Each message as its head and stored bytes: the reply's encoder copies them once, into the reply.
  const messages: { message: BinaryParts }[] = [];
  for (const message of queueOf(context).messages.values()) {
    if (messages.length >= count) break;
    if (message.sequenceNumber < from || message.expiresAt <= context.now) continue;
    if (sessionId !== undefined && message.sessionId !== sessionId) continue;
    messages.push({ message: message.encodeParts(undefined) });
  }
  return messages.length === 0 ? { statusCode: 204, body: {} } : { body: { messages } };
};
