import type { BrokerServices } from '../BrokerServices';
import type { MessageSession } from '../entities/MessageSession';
import type { MessageSink } from '../entities/MessageSink';
import type { Queue } from '../entities/Queue';
import type { Subscription } from '../entities/Subscription';
import { Conditions } from '../wire/conditions';
import { asArray, asString, longToNumber } from '../wire/values';
import { ManagementError } from './ManagementError';

/** Everything a `$management` operation works with. */
export interface OperationContext {
  /** The queue, subscription or dead-letter queue addressed; `undefined` for a topic (see {@link queueOf}). */
  readonly queue: Queue | undefined;
  /** The subscription addressed (for the rule operations); `undefined` for anything else. */
  readonly subscription?: Subscription | undefined;
  /** The queue or topic addressed, for scheduling; `undefined` for a subscription or dead-letter queue (see {@link sinkOf}). */
  readonly sink: MessageSink | undefined;
  readonly services: BrokerServices;
  /** Identity of the requesting connection (lock ownership is per connection). */
  readonly owner: object;
  /** The request body map (string keys). */
  readonly body: Readonly<Record<string, unknown>>;
  /** `associated-link-name`: the receiver (or sender) link the request is made for. */
  readonly associatedLinkName: string | undefined;
  readonly now: number;
}

/** A successful reply: status (default 200) and body map. */
export interface OperationResult {
  readonly statusCode?: number;
  readonly body: Record<string, unknown>;
}

/** A `$management` operation. Fails by throwing {@link ManagementError}. */
export type Operation = (context: OperationContext) => OperationResult;

/** The receiving side of the entity; 400 `amqp:not-allowed` on a topic (receive from a subscription). */
export function queueOf(context: OperationContext): Queue {
  if (context.queue === undefined) {
    throw new ManagementError(400, Conditions.notAllowed, 'This operation is not supported on a topic: address one of its subscriptions (<topic>/Subscriptions/<name>).');
  }
  return context.queue;
}

/** The sending side of the entity; 400 `amqp:not-allowed` on a subscription or dead-letter queue. */
export function sinkOf(context: OperationContext): MessageSink {
  if (context.sink === undefined) throw new ManagementError(400, Conditions.notAllowed, 'Messages can only be scheduled on a queue or a topic.');
  return context.sink;
}

/** The subscription addressed; 400 `amqp:not-allowed` for any other entity. */
export function subscriptionOf(context: OperationContext): Subscription {
  if (context.subscription === undefined) throw new ManagementError(400, Conditions.notAllowed, 'Rules exist only on subscriptions (<topic>/Subscriptions/<name>).');
  return context.subscription;
}

/** The body's `session-id`, or `undefined` when absent. */
export function optionalSessionId(context: OperationContext): string | undefined {
  const value = context.body['session-id'];
  if (value === undefined || value === null) return undefined;
  const id = asString(value);
  if (id === undefined) throw ManagementError.argument('session-id', 'must be a string');
  return id;
}

/** The body's `session-id`; 400 when absent. */
export function requiredSessionId(context: OperationContext): string {
  const id = optionalSessionId(context);
  if (id === undefined) throw ManagementError.argument('session-id', 'is required');
  return id;
}

/**
 * The session `id` if the requesting connection holds its lock (and, when the request names an
 * `associated-link-name`, through that link); otherwise 410 `com.microsoft:session-lock-lost`.
 */
export function heldSession(context: OperationContext, id: string): MessageSession {
  const queue = queueOf(context);
  if (!queue.requiresSession) {
    throw new ManagementError(400, 'amqp:not-allowed', `The entity '${queue.name}' does not require sessions.`);
  }
  const session = queue.sessions.heldBy(id, context.owner, context.associatedLinkName);
  if (session === undefined) throw ManagementError.sessionLockLost(id);
  return session;
}

/** The body field as a list of sequence numbers (AMQP array or list of long). */
export function sequenceNumbers(context: OperationContext, field: string): number[] {
  const values = asArray(context.body[field]);
  if (values === undefined) throw ManagementError.argument(field, 'must be an array of long');
  return values.map((value) => {
    const n = longToNumber(value);
    if (n === undefined) throw ManagementError.argument(field, 'must be an array of long');
    return n;
  });
}

/** The body field as a list of lock tokens, each resolved to its locked message (410 when unknown). */
export function lockTokenKeys(context: OperationContext): number[] {
  const values = asArray(context.body['lock-tokens']);
  if (values === undefined || values.length === 0) throw ManagementError.argument('lock-tokens', 'must be a non-empty array of uuid');
  return values.map((value) => {
    const key = context.services.lockTokens.keyOf(value);
    if (key === undefined) throw ManagementError.messageLockLost();
    return key;
  });
}
