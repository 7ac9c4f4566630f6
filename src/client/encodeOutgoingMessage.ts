import type { Message } from 'rhea-promise';
import { InvalidArgumentError } from '../errors';
import { encodeBody } from '../amqp/messageBody';
import type { OutgoingMessage } from './OutgoingMessage';
import { validateSessionId } from './validateSessionId';

const MAX_UINT = 0xffff_ffff;

/**
 * Validates one outgoing message and converts it to a rhea message (protocol doc 3.3). Throws
 * `InvalidArgumentError` naming the field (e.g. `messages[2].sessionId`) at the call.
 *
 * @param argument - how to name the message in errors (`message`, `messages[2]`).
 * @param now - the scheduler's clock, for `creation-time` / `absolute-expiry-time` of messages with a TTL.
 */
export function encodeOutgoingMessage(m: OutgoingMessage, argument: string, now: number): Message {
  if (typeof m !== 'object' || m === null) throw new InvalidArgumentError(argument, 'must be an object with a body', m);
  const out: Message = { body: undefined };
  try {
    out.body = encodeBody(m.body);
  } catch (err) {
    throw Object.assign(new InvalidArgumentError(`${argument}.body`, 'must be bytes or JSON-serializable'), { cause: err });
  }
  if (m.sessionId !== undefined) out.group_id = validateSessionId(`${argument}.sessionId`, m.sessionId);
  if (m.replyToSessionId !== undefined) out.reply_to_group_id = validateSessionId(`${argument}.replyToSessionId`, m.replyToSessionId);
  if (m.messageId !== undefined) out.message_id = messageId(`${argument}.messageId`, m.messageId);
  if (m.correlationId !== undefined) out.correlation_id = messageId(`${argument}.correlationId`, m.correlationId);
  if (m.subject !== undefined) out.subject = text(`${argument}.subject`, m.subject);
  if (m.contentType !== undefined) out.content_type = text(`${argument}.contentType`, m.contentType);
  if (m.to !== undefined) out.to = text(`${argument}.to`, m.to);
  if (m.replyTo !== undefined) out.reply_to = text(`${argument}.replyTo`, m.replyTo);
  if (m.timeToLive !== undefined) {
    const ttl = m.timeToLive;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
      throw new InvalidArgumentError(`${argument}.timeToLive`, 'must be a finite number of milliseconds greater than 0', ttl);
    }
    if (ttl <= MAX_UINT) out.ttl = Math.floor(ttl);
    out.creation_time = new Date(now);
    out.absolute_expiry_time = new Date(Math.min(now + ttl, 8_640_000_000_000_000));
  }
  const annotations: Record<string, unknown> = {};
  let hasAnnotations = false;
  if (m.scheduledEnqueueTime !== undefined) {
    if (!(m.scheduledEnqueueTime instanceof Date) || Number.isNaN(m.scheduledEnqueueTime.getTime())) {
      throw new InvalidArgumentError(`${argument}.scheduledEnqueueTime`, 'must be a valid Date', m.scheduledEnqueueTime);
    }
    annotations['x-opt-scheduled-enqueue-time'] = m.scheduledEnqueueTime;
    hasAnnotations = true;
  }
  if (m.partitionKey !== undefined) {
    annotations['x-opt-partition-key'] = text(`${argument}.partitionKey`, m.partitionKey);
    hasAnnotations = true;
  }
  if (hasAnnotations) out.message_annotations = annotations;
  if (m.applicationProperties !== undefined) {
    const props = m.applicationProperties;
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw new InvalidArgumentError(`${argument}.applicationProperties`, 'must be a plain object', props);
    }
    out.application_properties = { ...props };
  }
  return out;
}

function text(argument: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, 'must be a string', value);
  return value;
}

function messageId(argument: string, value: unknown): string | number | Buffer {
  if (typeof value === 'string') {
    if (value.length > 128) throw new InvalidArgumentError(argument, 'must be at most 128 characters', value);
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (Buffer.isBuffer(value) && value.length === 16) return value;
  throw new InvalidArgumentError(argument, 'must be a string, a non-negative integer or a 16-byte Buffer', value);
}
