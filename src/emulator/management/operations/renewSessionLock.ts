import { ExpiryBody } from '../ExpiryBody';
import { heldSession, requiredSessionId, type Operation, queueOf } from '../OperationContext';

/** `com.microsoft:renew-session-lock`: extends the caller's session lock → `{ expiration: timestamp }`. */
export const renewSessionLock: Operation = (context) => {
  const session = heldSession(context, requiredSessionId(context));
  const expiration = queueOf(context).sessions.renew(session, context.now);
  // A class, not a literal: encodeReply writes this reply from a template.
  return { body: new ExpiryBody(new Date(expiration)) as unknown as Record<string, unknown> };
};
