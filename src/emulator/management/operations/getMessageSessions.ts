import { types } from '../../rhea/codec';
import { longToNumber, timestampToMs } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { queueOf, type Operation } from '../OperationContext';

/**
 * `com.microsoft:get-message-sessions`: ids of the sessions that have messages, or whose state was set
 * after `last-updated-time`, paged by `skip` / `top` → `{ 'sessions-ids': string[], skip }`.
 */
export const getMessageSessions: Operation = (context) => {
  const { body } = context;
  const queue = queueOf(context);
  if (!queue.requiresSession) throw new ManagementError(400, 'amqp:not-allowed', `The entity '${queue.name}' does not require sessions.`);
  const since = body['last-updated-time'] === undefined ? Number.NEGATIVE_INFINITY : timestampToMs(body['last-updated-time']);
  const skip = longToNumber(body['skip'] ?? 0);
  const top = longToNumber(body['top'] ?? Number.MAX_SAFE_INTEGER);
  if (since === undefined) throw ManagementError.argument('last-updated-time', 'must be a timestamp');
  if (skip === undefined || skip < 0) throw ManagementError.argument('skip', 'must be a non-negative int');
  if (top === undefined || top < 0) throw ManagementError.argument('top', 'must be a non-negative int');
  const ids: string[] = [];
  for (const session of queue.sessions.values()) {
    if (session.messageCount > 0 || (session.state !== null && session.lastUpdated >= since)) ids.push(session.id);
  }
  const page = ids.slice(skip, skip + top);
  return { body: { 'sessions-ids': types.wrap_array(page, 0xb1, undefined), skip: types.wrap_int(skip + page.length) } };
};
