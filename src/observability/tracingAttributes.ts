import type { Attributes } from '@opentelemetry/api';

/** OpenTelemetry messaging semantic-convention attribute names used on every span and metric. */
export const ATTR = {
  system: 'messaging.system',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  deliveryCount: 'messaging.servicebus.message.delivery_count',
  enqueuedTime: 'messaging.servicebus.message.enqueued_time',
  dispositionStatus: 'messaging.servicebus.disposition_status',
  /** Not in the conventions (Service Bus sessions have no standard attribute): this library's name. */
  sessionId: 'messaging.servicebus.session.id',
  serverAddress: 'server.address',
} as const;

/** `messaging.system` value for Azure Service Bus. */
export const MESSAGING_SYSTEM = 'servicebus';

/**
 * The common attributes of an operation on `destination`: system, operation name (and type when the
 * conventions define one: send, receive, settle), destination, and the session id when known.
 */
export function messagingAttributes(operationName: string, operationType: string | undefined, destination: string, sessionId?: string): Attributes {
  const a: Attributes = { [ATTR.system]: MESSAGING_SYSTEM, [ATTR.operationName]: operationName, [ATTR.destination]: destination };
  if (operationType !== undefined) a[ATTR.operationType] = operationType;
  if (sessionId !== undefined) a[ATTR.sessionId] = sessionId;
  return a;
}

/** A message id as a span attribute value (Buffers as hex), or undefined. */
export function messageIdAttribute(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (Buffer.isBuffer(id)) return id.toString('hex');
  return String(id);
}
