import { ManagementError } from '../ManagementError';
import { heldSession, requiredSessionId, type Operation, queueOf } from '../OperationContext';

/** `com.microsoft:set-session-state`: stores binary state (null clears it); it outlives the lock holder. */
export const setSessionState: Operation = (context) => {
  const session = heldSession(context, requiredSessionId(context));
  const state = context.body['session-state'];
  if (state !== null && state !== undefined && !Buffer.isBuffer(state)) throw ManagementError.argument('session-state', 'must be binary or null');
  queueOf(context).sessions.setState(session, state === undefined || state === null ? null : Buffer.from(state), context.now);
  return { body: {} };
};
