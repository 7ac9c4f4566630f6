/**
 * The bytes of a successful reply that was read whole (`readReply` and a body value), kept to read the
 * next reply of the same form without walking it. A reply whose bytes equal these everywhere but in the
 * correlation id's characters and the body value's bytes has the same sections, status, keys and
 * lengths, so reading it whole would give the same status and find its id and value at the same places:
 * {@link matches} tells, and the caller reads those two there.
 */
export class ReplyForm {
  private constructor(
    private readonly bytes: Buffer,
    /** Where the correlation id's bytes start and end. */
    readonly idAt: number,
    readonly idEnd: number,
    /** Where the body value's bytes start and end. */
    readonly valueAt: number,
    readonly valueEnd: number,
    /** The reader that found the value (a reply of this form is read with it alone). */
    readonly reader: unknown,
  ) {}

  /** The form of `bytes` (copied), or undefined when the id does not come before the value. */
  static of(bytes: Buffer, idAt: number, idEnd: number, valueAt: number, valueEnd: number, reader: unknown): ReplyForm | undefined {
    if (!(0 <= idAt && idAt <= idEnd && idEnd <= valueAt && valueAt <= valueEnd && valueEnd <= bytes.length)) return undefined;
    return new ReplyForm(Buffer.from(bytes), idAt, idEnd, valueAt, valueEnd, reader);
  }

  /** True when `reply` has this form: the same bytes but for the id's and the value's. */
  matches(reply: Buffer): boolean {
    const form = this.bytes;
    const end = form.length;
    return (
      reply.length === end &&
      reply.compare(form, 0, this.idAt, 0, this.idAt) === 0 &&
      reply.compare(form, this.idEnd, this.valueAt, this.idEnd, this.valueAt) === 0 &&
      reply.compare(form, this.valueEnd, end, this.valueEnd, end) === 0
    );
  }
}
