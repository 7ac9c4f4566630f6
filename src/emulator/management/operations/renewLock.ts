import { types } from '../../rhea/codec';
import { ManagementError } from '../ManagementError';
import { lockTokenKeys, type Operation, queueOf } from '../OperationContext';

/** `com.microsoft:renew-lock`: extends message locks → `{ expirations: timestamp[] }`; 410 when a lock is gone. */
export const renewLock: Operation = (context) => {
  const expirations = lockTokenKeys(context).map((key) => {
    const message = queueOf(context).lockedByToken.get(key);
    if (message === undefined) throw ManagementError.messageLockLost();
    return queueOf(context).renewMessageLock(message, context.now);
  });
  return { body: { expirations: types.wrap_array(expirations, 0x83, undefined) } };
};
