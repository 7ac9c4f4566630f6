import type { Broker } from '../../Broker';
import type { Queue } from '../../entities/Queue';
import type { MessageSink } from '../../entities/MessageSink';
import type { ResolvedEntity } from '../../entities/Namespace';
import { message as codec } from '../../rhea/codec';
import { parseMessage } from '../../wire/parseMessage';
import { InspectorActionError } from './InspectorActionError';
import type { PurgeRequest, ResubmitRequest, SendRequest } from './InspectorSnapshot';

/**
 * Enqueues a message typed into the inspector: a string body (an AMQP value, which the SDK reads as a
 * string), an optional session id and string application properties. Goes through the same intake check
 * as a client's message (a session queue refuses one without a session id).
 *
 * @returns how many messages were sent (1; a duplicate under duplicate detection is accepted and dropped).
 * @throws InspectorActionError 400 for a malformed request or a message the entity refuses, 404 for an unknown entity.
 */
export function sendFromInspector(broker: Broker, request: SendRequest): number {
  const sink = sinkOf(broker, request.entity);
  if (typeof request.body !== 'string') throw new InspectorActionError(400, 'body must be a string.');
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.properties ?? {})) {
    if (typeof value !== 'string' || key === '') throw new InspectorActionError(400, 'properties must map non-empty names to strings.');
    properties[key] = value;
  }
  const sessionId = request.sessionId === undefined || request.sessionId === '' ? undefined : request.sessionId;
  const bytes = codec.encode({
    message_id: broker.newMessageId(),
    ...(sessionId !== undefined && { group_id: sessionId }),
    application_properties: properties,
    body: request.body,
  });
  const content = parseMessage(bytes);
  const refusal = sink.refusal(content);
  if (refusal !== undefined) throw new InspectorActionError(400, refusal.description ?? refusal.condition);
  sink.send([content], broker.now());
  return 1;
}

/**
 * Removes every message of the entity (or of its dead-letter queue) that no receiver holds locked:
 * active, deferred and scheduled alike. Locked messages stay with their receivers.
 *
 * @returns how many messages were removed.
 */
export function purge(broker: Broker, request: PurgeRequest): number {
  const queue = entity(broker, request.entity);
  const target = request.deadLetter ? queue.deadLetterQueue : queue;
  if (target === undefined) return 0;
  let removed = 0;
  for (const message of [...target.messages.values()]) {
    if (message.lock !== undefined) continue;
    target.complete(message);
    removed++;
  }
  return removed;
}

/**
 * Moves a dead letter back to its entity: the message (body, properties, session id; the dead-letter
 * reason stays among its properties) is enqueued anew and removed from the dead-letter queue.
 *
 * @returns the sequence number of the resubmitted message.
 * @throws InspectorActionError 404 when there is no such dead letter, 409 when a receiver holds it locked.
 */
export function resubmit(broker: Broker, request: ResubmitRequest): number {
  const queue = entity(broker, request.entity);
  const deadLetters = queue.deadLetterQueue;
  const message = deadLetters?.messages.get(request.sequenceNumber);
  if (deadLetters === undefined || message === undefined) {
    throw new InspectorActionError(404, `'${request.entity}' has no dead letter with sequence number ${request.sequenceNumber}.`);
  }
  if (message.lock !== undefined) throw new InspectorActionError(409, `Dead letter ${request.sequenceNumber} is locked by a receiver.`);
  const refusal = queue.refusal(message.content);
  if (refusal !== undefined) throw new InspectorActionError(400, refusal.description ?? refusal.condition);
  const resubmitted = queue.enqueue(message.content, broker.now());
  deadLetters.complete(message);
  return resubmitted;
}

/** The queue or subscription `path` names (the one whose messages and dead letters the page shows). */
function entity(broker: Broker, path: unknown): Queue {
  const queue = resolved(broker, path).queue;
  if (queue === undefined || queue.isDeadLetterQueue) throw new InspectorActionError(404, `'${String(path)}' is not a queue or subscription.`);
  return queue;
}

/** The queue or topic `path` names (where a message can be sent). */
function sinkOf(broker: Broker, path: unknown): MessageSink {
  const sink = resolved(broker, path).sink;
  if (sink === undefined) throw new InspectorActionError(400, `Messages cannot be sent to '${String(path)}': send to a queue or a topic.`);
  return sink;
}

function resolved(broker: Broker, path: unknown): ResolvedEntity {
  if (typeof path !== 'string' || path === '') throw new InspectorActionError(400, 'entity must name an entity.');
  const entity = broker.namespace.resolve(path);
  if (entity === undefined || entity.management) throw new InspectorActionError(404, `The messaging entity '${path}' could not be found.`);
  return entity;
}
