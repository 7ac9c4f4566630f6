/** Thrown by the broker's bounded decoding for bytes that are not a well-formed, bounded AMQP encoding. */
export class AmqpDecodeError extends Error {
  override readonly name = 'AmqpDecodeError';
}
