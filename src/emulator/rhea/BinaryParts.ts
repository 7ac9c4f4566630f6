import { types } from './codec';

/**
 * An AMQP binary given as two parts (a message's freshly encoded head and its stored bytes), for a reply
 * that carries whole messages (a `$management` peek): {@link encodePresized} writes the parts straight into
 * the reply, where joining them first cost one more copy of each message (~2 MB per peek of ten 200 KB
 * messages). Anything else that encodes it (rhea's own writer) gets the joined bytes through `valueOf`.
 */
export class BinaryParts {
  readonly length: number;

  constructor(
    readonly head: Buffer,
    readonly tail: Buffer,
  ) {
    this.length = head.length + tail.length;
  }

  /** rhea's `types.wrap` hook: a binary (vbin8 or vbin32, by length) whose value is these parts. */
  toRheaTyped(): unknown {
    return types.wrap_binary(this as unknown as Buffer);
  }

  /** The joined bytes (what `Buffer.from(parts)` gives, e.g. in rhea's writer). */
  valueOf(): Buffer {
    return Buffer.concat([this.head, this.tail], this.length);
  }
}
