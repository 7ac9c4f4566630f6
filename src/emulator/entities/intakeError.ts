import { Conditions, type AmqpError } from '../wire/conditions';
import type { MessageContent } from '../wire/MessageContent';

/** Longest session id Service Bus accepts. */
export const MAX_SESSION_ID_LENGTH = 128;

/** Why `queue` refuses `content`, or `undefined` when it accepts it. */
export function intakeError(content: MessageContent, queue: { readonly name: string; readonly requiresSession: boolean }): AmqpError | undefined {
  if (!queue.requiresSession) return undefined;
  const id = content.sessionId;
  if (id === undefined || id.length === 0) {
    return {
      condition: Conditions.notAllowed,
      description: `The SessionId was not set on a message, and it cannot be sent to the entity '${queue.name}'. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.`,
    };
  }
  const characters = [...id].length; // characters (code points), not UTF-16 units
  if (characters > MAX_SESSION_ID_LENGTH) {
    return { condition: Conditions.argumentError, description: `The session id must be 1 to ${MAX_SESSION_ID_LENGTH} characters long; got ${characters}.` };
  }
  return undefined;
}
