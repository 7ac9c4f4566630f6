/**
 * A message to send. Field names follow the official SDK's `ServiceBusMessage`; each maps to the AMQP
 * field the SDK uses (protocol doc 3.3), so messages sent by either client read the same in both.
 */
export interface OutgoingMessage {
  /** Bytes are sent as they are; anything else as JSON (one AMQP `data` section, like the official SDK). */
  readonly body: unknown;
  /** Session id (AMQP `group-id`), 1..128 characters. Required by session queues. */
  readonly sessionId?: string;
  /** AMQP `message-id`: string (≤ 128 chars), non-negative integer, or 16-byte Buffer (uuid). */
  readonly messageId?: string | number | Buffer;
  readonly correlationId?: string | number | Buffer;
  readonly subject?: string;
  readonly contentType?: string;
  readonly to?: string;
  readonly replyTo?: string;
  readonly replyToSessionId?: string;
  /** Time to live in ms (> 0). */
  readonly timeToLive?: number;
  /** Delivered no earlier than this time (`x-opt-scheduled-enqueue-time`). */
  readonly scheduledEnqueueTime?: Date;
  readonly partitionKey?: string;
  /** AMQP application properties (string keys; string, number, boolean, Date, Buffer or null values). */
  readonly applicationProperties?: Readonly<Record<string, unknown>>;
}
