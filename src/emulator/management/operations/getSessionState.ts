import { heldSession, requiredSessionId, type Operation } from '../OperationContext';

/** `com.microsoft:get-session-state` → `{ 'session-state': binary | null }` (null when never set). */
export const getSessionState: Operation = (context) => {
  const session = heldSession(context, requiredSessionId(context));
  return { body: { 'session-state': session.state } };
};
