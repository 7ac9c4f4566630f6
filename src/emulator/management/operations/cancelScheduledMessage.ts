import { MessageState } from '../../entities/StoredMessage';
import { ManagementError } from '../ManagementError';
import { sequenceNumbers, type Operation } from '../OperationContext';

/** `com.microsoft:cancel-scheduled-message`: removes scheduled messages; 404 when one is not scheduled (any more). */
export const cancelScheduledMessage: Operation = (context) => {
  const numbers = sequenceNumbers(context, 'sequence-numbers');
  for (const n of numbers) {
    if (context.queue.messages.get(n)?.state !== MessageState.scheduled) throw ManagementError.messageNotFound(n, 'scheduled');
  }
  for (const n of numbers) context.queue.cancelScheduled(n);
  return { body: {} };
};
