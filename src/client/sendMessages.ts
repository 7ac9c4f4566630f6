import { forkJoin, map, of, type Observable } from 'rxjs';
import { message as rheaMessage, type Message } from 'rhea-promise';
import { ServiceBusRxError } from '../errors';
import type { MessageSender } from '../amqp/MessageSender';

/** AMQP message format of a Service Bus batch: one transfer whose data sections are whole messages. */
export const BATCH_FORMAT = 0x80013700;
/** Upper bound of the encoding overhead of one data section (descriptor + vbin32 header). */
const SECTION_OVERHEAD = 8;

/**
 * Cold: sends `messages` on `sender` — one as a plain transfer, several as batch transfers (format
 * 0x80013700) packed up to the link's `max-message-size` — and emits once (`undefined`), then
 * completes, when the broker accepted every transfer. Errors with `amqp:link:message-size-exceeded` (not retryable) when a single message
 * cannot fit, or with the first transfer's failure.
 */
export function sendMessages(sender: MessageSender, messages: readonly Message[]): Observable<void> {
  const first = messages[0];
  if (first === undefined) return of(undefined);
  if (messages.length === 1) return sender.send(first);
  const limit = sender.maxMessageSize;
  const envelope: Message = { body: undefined };
  if (first.message_id !== undefined) envelope.message_id = first.message_id;
  if (first.group_id !== undefined) envelope.group_id = first.group_id;
  if (first.message_annotations !== undefined) envelope.message_annotations = first.message_annotations;
  const base = rheaMessage.encode({ ...envelope, body: rheaMessage.data_sections([]) }).length;

  const transfers: Observable<void>[] = [];
  let batch: Buffer[] = [];
  let size = base;
  const flush = (): void => {
    if (batch.length === 1) transfers.push(sender.send(batch[0] as Buffer, 0));
    else if (batch.length > 1) transfers.push(sender.send(rheaMessage.encode({ ...envelope, body: rheaMessage.data_sections(batch) }), BATCH_FORMAT));
    batch = [];
    size = base;
  };
  for (let i = 0; i < messages.length; i++) {
    const bytes = rheaMessage.encode(messages[i] as Message);
    const cost = bytes.length + SECTION_OVERHEAD;
    if (limit > 0 && base + cost > limit) {
      throw new ServiceBusRxError(`Message ${i} is ${bytes.length} bytes; the link accepts at most ${limit} bytes per transfer.`, {
        condition: 'amqp:link:message-size-exceeded',
      });
    }
    if (limit > 0 && size + cost > limit) flush();
    batch.push(bytes);
    size += cost;
  }
  flush();
  return forkJoin(transfers).pipe(map(() => undefined));
}
