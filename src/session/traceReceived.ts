import type { Context } from '@opentelemetry/api';
import { contextFromTraceparent, contextWithSpan, DIAGNOSTIC_ID_PROPERTY, endSpan, SPAN_KIND, startSpan } from '../observability/tracing';
import { ATTR, messageIdAttribute, messagingAttributes } from '../observability/tracingAttributes';
import type { SessionMessage } from './SessionMessage';

/**
 * Records the receipt of `message` (call only when tracing is enabled): a `receive <entity>`
 * consumer span, child of (and linked to) the producer's context carried in the message's
 * `Diagnostic-Id` application property, ended at once; its context is kept on the message as the
 * parent of the message's settlement span.
 */
export function traceReceived(message: SessionMessage, entityPath: string, sessionId: string): void {
  const producer = contextFromTraceparent(message.applicationProperties[DIAGNOSTIC_ID_PROPERTY]);
  const attributes = messagingAttributes('receive', 'receive', entityPath, sessionId);
  const id = messageIdAttribute(message.messageId);
  if (id !== undefined) attributes[ATTR.messageId] = id;
  attributes[ATTR.deliveryCount] = message.deliveryCount;
  if (message.sequenceNumber >= 0n) attributes['messaging.servicebus.message.sequence_number'] = Number(message.sequenceNumber);
  attributes[ATTR.enqueuedTime] = message.enqueuedTime.getTime();
  const span = startSpan(`receive ${entityPath}`, SPAN_KIND.consumer, attributes, producer, producer === undefined ? undefined : [producer]);
  message.traceContext = contextWithSpan(span);
  endSpan(span);
}

/** The receive context of a message, as an OpenTelemetry context. */
export function receivedContext(message: SessionMessage): Context | undefined {
  return message.traceContext as Context | undefined;
}
