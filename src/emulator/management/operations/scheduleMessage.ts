import { types } from '../../rhea/codec';
import { MessageDecodeError, parseMessage } from '../../wire/parseMessage';
import { asArray, asRecord } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { sinkOf, type Operation } from '../OperationContext';

/**
 * `com.microsoft:schedule-message` (on a queue or topic): enqueues each `messages[].message` (an encoded AMQP message carrying
 * `x-opt-scheduled-enqueue-time`) as a scheduled message that becomes active at that time →
 * `{ 'sequence-numbers': long[] }`. All messages are validated before any is enqueued.
 */
export const scheduleMessage: Operation = (context) => {
  const sink = sinkOf(context);
  const entries = asArray(context.body['messages']);
  if (entries === undefined) throw ManagementError.argument('messages', 'must be a list of maps');
  const contents = entries.map((entry, index) => {
    const encoded = asRecord(entry)?.['message'];
    if (!Buffer.isBuffer(encoded)) throw ManagementError.argument(`messages[${index}].message`, 'must be binary');
    try {
      const content = parseMessage(encoded);
      const refusal = sink.refusal(content);
      if (refusal !== undefined) throw new ManagementError(400, refusal.condition, refusal.description);
      return content;
    } catch (error: unknown) {
      if (error instanceof MessageDecodeError) throw ManagementError.argument(`messages[${index}].message`, `is not an AMQP message (${error.message})`);
      throw error;
    }
  });
  const numbers = contents.map((content) => sink.schedule(content, context.now));
  return { body: { 'sequence-numbers': types.wrap_array(numbers, 0x81, undefined) } };
};
