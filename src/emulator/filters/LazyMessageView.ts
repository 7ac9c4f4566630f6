import type { MessageContent } from '../wire/MessageContent';
import { MessageView } from './MessageView';

/**
 * The message a topic is fanning out, as a {@link MessageView} made only when a rule asks for it:
 * a subscription with the `$Default` rule never does, so a plain fan-out decodes and allocates nothing
 * for filtering. One instance per topic, {@link reset} for each message.
 */
export class LazyMessageView {
  private content: MessageContent | undefined;
  private sequenceNumber = 0;
  private enqueuedAt = 0;
  private view: MessageView | undefined;

  /** Starts on a new message. */
  reset(content: MessageContent, sequenceNumber: number, enqueuedAt: number): this {
    this.content = content;
    this.sequenceNumber = sequenceNumber;
    this.enqueuedAt = enqueuedAt;
    this.view = undefined;
    return this;
  }

  /** The decoded view of the current message (made on the first call after {@link reset}). */
  get(): MessageView {
    if (this.content === undefined) throw new Error('LazyMessageView.get() before reset()');
    return (this.view ??= new MessageView(this.content, { sequenceNumber: this.sequenceNumber, enqueuedAt: this.enqueuedAt }));
  }
}
