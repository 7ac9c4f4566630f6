import type { Broker } from '../../Broker';
import type { Queue } from '../../entities/Queue';
import { queueStats } from '../../entities/queueStats';
import { MessageState, type StoredMessage } from '../../entities/StoredMessage';
import { message as codec } from '../../rhea/codec';
import type { EntityView, InspectorSnapshot, MessageView, SessionView } from './InspectorSnapshot';

/** How many messages (and dead letters) of each entity a snapshot shows. */
export const PEEK_COUNT = 20;

const STATE_NAMES = { [MessageState.active]: 'active', [MessageState.deferred]: 'deferred', [MessageState.scheduled]: 'scheduled' } as const;

/**
 * The broker as the inspector shows it: every queue with its counts, sessions (lock owner, expiry,
 * state) and first {@link PEEK_COUNT} messages and dead letters. Looking changes nothing. A walk over
 * the queues' messages: for a page refreshed a few times a second, not for hot paths.
 */
export function takeSnapshot(broker: Broker, connections: number, owners: ConnectionNumbers): InspectorSnapshot {
  const entities: EntityView[] = broker.namespace.queues.map((queue) => entityView(queue, owners, 'queue', undefined));
  for (const topic of broker.namespace.topics) {
    const subscriptions = [...topic.subscriptions.values()];
    entities.push(topicView(topic.name, topic.scheduledCount, subscriptions.map((subscription) => subscription.name)));
    for (const subscription of subscriptions) entities.push(entityView(subscription.queue, owners, 'subscription', topic.name));
  }
  return { now: broker.now(), connections, entities };
}

function topicView(path: string, scheduled: number, subscriptions: readonly string[]): EntityView {
  return {
    kind: 'topic',
    path,
    subscriptions,
    requiresSession: false,
    lockDurationMs: 0,
    maxDeliveryCount: 0,
    counts: { active: 0, locked: 0, deferred: 0, scheduled, deadLettered: 0 },
    sessions: [],
    messages: [],
    deadLetters: [],
  };
}

/** Small stable numbers for connections (`#1`, `#2`, …), so that a page can tell lock owners apart. */
export class ConnectionNumbers {
  private readonly numbers = new WeakMap<object, number>();
  private next = 1;

  of(owner: object): number {
    let number = this.numbers.get(owner);
    if (number === undefined) {
      number = this.next++;
      this.numbers.set(owner, number);
    }
    return number;
  }
}

function entityView(queue: Queue, owners: ConnectionNumbers, kind: 'queue' | 'subscription', topic: string | undefined): EntityView {
  const stats = queueStats(queue);
  const sessions: SessionView[] = [];
  for (const session of queue.sessions.values()) {
    const holder = session.holder;
    sessions.push({
      id: session.id,
      state: holder === undefined ? 'unlocked' : 'locked',
      owner: holder === undefined ? undefined : `${holder.name} (connection #${owners.of(holder.owner)})`,
      lockedUntil: holder === undefined ? undefined : session.lockedUntil,
      messageCount: session.messageCount,
      sessionState: session.state === null ? undefined : displayBytes(session.state),
    });
  }
  return {
    kind,
    path: queue.name,
    ...(topic !== undefined && { topic }),
    requiresSession: queue.requiresSession,
    lockDurationMs: queue.options.lockDurationMs,
    maxDeliveryCount: queue.options.maxDeliveryCount,
    counts: { active: stats.active, locked: stats.locked, deferred: stats.deferred, scheduled: stats.scheduled, deadLettered: stats.deadLettered },
    sessions,
    messages: peek(queue),
    deadLetters: queue.deadLetterQueue === undefined ? [] : peek(queue.deadLetterQueue),
  };
}

function peek(queue: Queue): MessageView[] {
  const views: MessageView[] = [];
  for (const message of queue.messages.values()) {
    if (views.length === PEEK_COUNT) break;
    views.push(messageView(message));
  }
  return views;
}

/** One stored message for display (its bare sections decoded; the stored bytes are not changed). */
export function messageView(message: StoredMessage): MessageView {
  let decoded: { body?: unknown; application_properties?: Record<string, unknown>; message_id?: unknown };
  try {
    decoded = codec.decode(message.content.bare) as typeof decoded;
  } catch {
    decoded = { body: '(undecodable message)' };
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(decoded.application_properties ?? {})) properties[key] = displayValue(value);
  const view: MessageView = {
    sequenceNumber: message.sequenceNumber,
    messageId: decoded.message_id === undefined || decoded.message_id === null ? undefined : displayValue(decoded.message_id),
    sessionId: message.sessionId,
    state: STATE_NAMES[message.state],
    locked: message.lock !== undefined,
    deliveryCount: message.deliveryCount,
    enqueuedAt: message.enqueuedAt,
    body: displayBody(decoded.body),
    properties,
  };
  const reason = properties['DeadLetterReason'];
  const description = properties['DeadLetterErrorDescription'];
  return {
    ...view,
    ...(reason !== undefined && { deadLetterReason: reason }),
    ...(description !== undefined && { deadLetterDescription: description }),
  };
}

function displayBody(body: unknown): string {
  const section = body as { typecode?: number; content?: unknown; multiple?: boolean } | undefined;
  if (section !== null && typeof section === 'object' && section.typecode === 0x75) {
    const parts = section.multiple === true && Array.isArray(section.content) ? section.content : [section.content];
    return parts.map((part) => (Buffer.isBuffer(part) ? displayBytes(part) : displayValue(part))).join('');
  }
  return displayValue(body);
}

function displayBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `0x${bytes.toString('hex')}`;
}

function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return displayBytes(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
