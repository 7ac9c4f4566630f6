import type { BrokerServices } from '../BrokerServices';
import { EditableMessage } from '../filters/EditableMessage';
import { LazyMessageView } from '../filters/LazyMessageView';
import type { MessageView } from '../filters/MessageView';
import { Deadline } from '../locks/Deadline';
import { Conditions, type AmqpError } from '../wire/conditions';
import type { MessageContent } from '../wire/MessageContent';
import { withMessageId } from '../wire/withMessageId';
import { DuplicateDetector } from './DuplicateDetector';
import { MAX_SESSION_ID_LENGTH } from './intakeError';
import type { MessageSink } from './MessageSink';
import type { DeadLetterDetails } from './Queue';
import type { ResolvedTopicOptions } from './ResolvedQueueOptions';
import type { Subscription } from './Subscription';

const edit = (view: MessageView): EditableMessage => new EditableMessage(view);

/** Service Bus's reason and description for a copy without session id in a session subscription. */
const NO_SESSION_ID: DeadLetterDetails = {
  reason: 'Session id is null.',
  description: "Session enabled entity doesn't allow a message whose session identifier is null.",
};

/**
 * A topic: takes messages (with duplicate detection and scheduling) and copies each, when it becomes
 * active, to every subscription whose rules select it. Receivers attach to its subscriptions, never to
 * the topic itself.
 */
export class Topic implements MessageSink {
  /** The subscriptions by lower-case name, in creation order. */
  readonly subscriptions = new Map<string, Subscription>();
  private currentOptions: ResolvedTopicOptions;
  private duplicates: DuplicateDetector | undefined;
  private lastSequenceNumber = 0;
  /** Scheduled messages waiting for their time, by the topic's sequence number. */
  private readonly scheduled = new Map<number, Deadline>();
  private removedFromNamespace = false;
  /** The message being fanned out, decoded on first use (one object reused: no allocation per message). */
  private readonly view = new LazyMessageView();
  private fanningOut = false;

  constructor(
    options: ResolvedTopicOptions,
    private readonly services: BrokerServices,
  ) {
    this.currentOptions = options;
    this.duplicates = options.requiresDuplicateDetection ? new DuplicateDetector(options.duplicateDetectionHistoryTimeWindowMs) : undefined;
  }

  get options(): ResolvedTopicOptions {
    return this.currentOptions;
  }

  get name(): string {
    return this.currentOptions.name;
  }

  get deleted(): boolean {
    return this.removedFromNamespace;
  }

  /** Scheduled messages not yet fanned out. */
  get scheduledCount(): number {
    return this.scheduled.size;
  }

  /** Applies new options (the name stays). */
  update(options: ResolvedTopicOptions): void {
    this.currentOptions = { ...options, name: this.name };
    if (!options.requiresDuplicateDetection) this.duplicates = undefined;
    else if (this.duplicates === undefined) this.duplicates = new DuplicateDetector(options.duplicateDetectionHistoryTimeWindowMs);
    else this.duplicates.windowMs = options.duplicateDetectionHistoryTimeWindowMs;
  }

  /** The topic was deleted: its subscriptions are closed (links detached with `error`), scheduled messages dropped. */
  close(error: AmqpError): void {
    this.removedFromNamespace = true;
    for (const deadline of this.scheduled.values()) this.services.deadlines.cancel(deadline);
    this.scheduled.clear();
    for (const subscription of this.subscriptions.values()) subscription.queue.close(error);
  }

  /** A session id over 128 characters is refused; a missing one is not (see the fan-out). */
  refusal(content: MessageContent): AmqpError | undefined {
    const id = content.sessionId;
    const characters = id === undefined ? 0 : [...id].length; // characters (code points), not UTF-16 units
    if (characters > MAX_SESSION_ID_LENGTH) {
      return { condition: Conditions.argumentError, description: `The session id must be 1 to ${MAX_SESSION_ID_LENGTH} characters long; got ${characters}.` };
    }
    return undefined;
  }

  /** @inheritdoc */
  send(contents: readonly MessageContent[], now: number): void {
    for (const content of contents) {
      if (this.duplicates?.isDuplicate(content.messageId, now) === true) continue;
      this.schedule(content, now);
    }
  }

  /** @inheritdoc */
  schedule(content: MessageContent, now: number): number {
    const withId = content.messageId === undefined ? withMessageId(content, this.services.newMessageId()) : content;
    const sequenceNumber = ++this.lastSequenceNumber;
    const at = withId.scheduledEnqueueTimeMs;
    if (at === undefined || at <= now) {
      this.fanOut(withId, sequenceNumber, now);
      return sequenceNumber;
    }
    const deadline = new Deadline(at, (time) => {
      this.scheduled.delete(sequenceNumber);
      this.fanOut(withId, sequenceNumber, time);
    });
    this.scheduled.set(sequenceNumber, deadline);
    this.services.deadlines.schedule(deadline, at);
    return sequenceNumber;
  }

  /** @inheritdoc */
  hasScheduled(sequenceNumber: number): boolean {
    return this.scheduled.has(sequenceNumber);
  }

  /** @inheritdoc */
  cancelScheduled(sequenceNumber: number): boolean {
    const deadline = this.scheduled.get(sequenceNumber);
    if (deadline === undefined) return false;
    this.scheduled.delete(sequenceNumber);
    this.services.deadlines.cancel(deadline);
    return true;
  }

  /** Copies an active message to each subscription that selects it. */
  private fanOut(content: MessageContent, sequenceNumber: number, now: number): void {
    const ttl = this.currentOptions.defaultMessageTimeToLiveMs;
    const routed: MessageContent =
      Number.isFinite(ttl) && (content.timeToLiveMs === undefined || content.timeToLiveMs > ttl)
        ? { ...content, timeToLiveMs: ttl, scheduledEnqueueTimeMs: undefined }
        : content.scheduledEnqueueTimeMs === undefined
          ? content
          : { ...content, scheduledEnqueueTimeMs: undefined };
    // A fan-out that re-enters this topic (dead letters forwarded back to it) gets its own view.
    const view = (this.fanningOut ? new LazyMessageView() : this.view).reset(routed, sequenceNumber, now);
    const outer = this.fanningOut;
    this.fanningOut = true;
    try {
      this.deliverCopies(routed, view, now);
    } finally {
      this.fanningOut = outer;
    }
  }

  private deliverCopies(routed: MessageContent, view: LazyMessageView, now: number): void {
    for (const subscription of this.subscriptions.values()) {
      const copy = subscription.select(routed, view, edit);
      if (copy === undefined) continue;
      // As in Service Bus: a copy without session id for a session subscription is dead-lettered there.
      if (subscription.queue.requiresSession && (copy.sessionId === undefined || copy.sessionId === '')) {
        subscription.queue.deadLetterUnaccepted(copy, NO_SESSION_ID, now);
      } else {
        subscription.queue.enqueue(copy, now);
      }
    }
  }
}
