import { ManagementError } from '../ManagementError';
import { sequenceNumbers, sinkOf, type Operation } from '../OperationContext';

/**
 * `com.microsoft:cancel-scheduled-message` (on a queue or topic): removes scheduled messages; 404 when one
 * is not scheduled (any more). Nothing is cancelled unless every number is.
 */
export const cancelScheduledMessage: Operation = (context) => {
  const sink = sinkOf(context);
  const numbers = sequenceNumbers(context, 'sequence-numbers');
  for (const n of numbers) if (!sink.hasScheduled(n)) throw ManagementError.messageNotFound(n, 'scheduled');
  for (const n of numbers) sink.cancelScheduled(n);
  return { body: {} };
};
