import { types } from '../../rhea/codec';
import { ManagementError } from '../ManagementError';
import { lockTokenKeys, type Operation } from '../OperationContext';

/** `com.microsoft:renew-lock`: extends message locks → `{ expirations: timestamp[] }`; 410 when a lock is gone. */
export const renewLock: Operation = (context) => {
  const expirations = lockTokenKeys(context).map((key) => {
    const message = context.queue.lockedByToken.get(key);
    if (message === undefined) throw ManagementError.messageLockLost();
    return context.queue.renewMessageLock(message, context.now);
  });
  return { body: { expirations: types.wrap_array(expirations, 0x83, undefined) } };
};
