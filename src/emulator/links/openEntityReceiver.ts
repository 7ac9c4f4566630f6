import type { Delivery, Receiver } from 'rhea';
import type { BrokerServices } from '../BrokerServices';
import type { MessageSink } from '../entities/MessageSink';
import { ACCEPTED, message as codec } from '../rhea/codec';
import { linkInternals } from '../rhea/internals';
import { messageFormatOf } from '../rhea/receiveRawTransfers';
import { Conditions, type AmqpError } from '../wire/conditions';
import type { MessageContent } from '../wire/MessageContent';
import { MessageDecodeError, parseMessage } from '../wire/parseMessage';
import type { Guard } from './guard';

/** Largest transfer accepted (advertised as `max-message-size`; non-zero, gotcha G7). */
export const MAX_MESSAGE_SIZE = 262_144;

/** message-format of `sendMessages([...])` batches: a message whose data sections are messages. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/**
 * Opens the broker's receiving end of a client sender on a queue or topic. Each transfer (a message, or a batch
 * of messages) is validated as a whole, enqueued, and settled: accepted, or rejected with the reason
 * (oversize → `amqp:link:message-size-exceeded`, session queue without a valid session id →
 * `amqp:not-allowed` / `com.microsoft:argument-error`, undecodable → `amqp:decode-error`).
 */
export function openEntityReceiver(receiver: Receiver, sink: MessageSink, services: BrokerServices, guard: Guard): void {
  receiver.set_target({ address: receiver.target?.address });
  receiver.set_source({ address: receiver.source?.address });
  linkInternals(receiver).local.attach.max_message_size = MAX_MESSAGE_SIZE;
  receiver.on(
    'message',
    guard((context) => {
      const delivery = context.delivery;
      if (delivery === undefined) return;
      const format = messageFormatOf((context as { format?: number }).format);
      if (sink.deleted) {
        const error = { condition: Conditions.notFound, description: `The messaging entity '${sink.name}' could not be found: it was deleted.` };
        settle(delivery, error);
        receiver.close(error);
        return;
      }
      const outcome = enqueueTransfer(context.message as unknown as Buffer, format, sink, services.now());
      settle(delivery, outcome);
    }),
  );
  receiver.on('receiver_error', () => undefined);
}

function enqueueTransfer(bytes: Buffer, format: number, sink: MessageSink, now: number): AmqpError | undefined {
  if (!Buffer.isBuffer(bytes)) return { condition: Conditions.decodeError, description: 'The transfer carries no message.' };
  if (bytes.length > MAX_MESSAGE_SIZE) {
    return {
      condition: Conditions.messageSizeExceeded,
      description: `The message of ${bytes.length} bytes exceeds the maximum message size of ${MAX_MESSAGE_SIZE} bytes.`,
    };
  }
  let contents: MessageContent[];
  try {
    if (format === 0) contents = [parseMessage(bytes)];
    else if (format === BATCH_MESSAGE_FORMAT) contents = splitBatch(bytes).map(parseMessage);
    else return { condition: Conditions.notImplemented, description: `Message format ${format} is not supported.` };
  } catch (error: unknown) {
    if (error instanceof MessageDecodeError) return { condition: Conditions.decodeError, description: error.message };
    throw error;
  }
  for (const content of contents) {
    const refusal = sink.refusal(content);
    if (refusal !== undefined) return refusal;
  }
  // Duplicate detection inside: a duplicate (also within this batch) is accepted and dropped.
  sink.send(contents, now);
  return undefined;
}

/** The messages of a batch: each data section of the envelope is one encoded message. */
function splitBatch(bytes: Buffer): Buffer[] {
  let body: unknown;
  try {
    body = codec.decode(bytes).body;
  } catch (error: unknown) {
    throw new MessageDecodeError(`Malformed batch envelope: ${(error as Error).message}`, { cause: error });
  }
  const section = body as { typecode?: unknown; content?: unknown; multiple?: unknown } | undefined;
  if (section === undefined || section === null || section.typecode !== 0x75) throw new MessageDecodeError('A batch must carry data sections.');
  const parts = section.multiple === true && Array.isArray(section.content) ? (section.content as unknown[]) : [section.content];
  return parts.map((part) => {
    if (!Buffer.isBuffer(part)) throw new MessageDecodeError('A batch data section is not binary.');
    return part;
  });
}

function settle(delivery: Delivery, refusal: AmqpError | undefined): void {
  delivery.update(true, refusal === undefined ? ACCEPTED : codec.rejected({ error: refusal }).described());
}
