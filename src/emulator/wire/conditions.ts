/** AMQP error conditions the broker sends (the SDKs map them by string, gotcha G12). */
export const Conditions = {
  sessionLockLost: 'com.microsoft:session-lock-lost',
  sessionCannotBeLocked: 'com.microsoft:session-cannot-be-locked',
  messageLockLost: 'com.microsoft:message-lock-lost',
  messageNotFound: 'com.microsoft:message-not-found',
  timeout: 'com.microsoft:timeout',
  argumentError: 'com.microsoft:argument-error',
  deadLetter: 'com.microsoft:dead-letter',
  notFound: 'amqp:not-found',
  unauthorizedAccess: 'amqp:unauthorized-access',
  notAllowed: 'amqp:not-allowed',
  notImplemented: 'amqp:not-implemented',
  decodeError: 'amqp:decode-error',
  internalError: 'amqp:internal-error',
  messageSizeExceeded: 'amqp:link:message-size-exceeded',
  detachForced: 'amqp:link:detach-forced',
  connectionForced: 'amqp:connection:forced',
} as const;

/** An AMQP error as rhea encodes it in detach, end, close and rejected outcomes. */
export interface AmqpError {
  readonly condition: string;
  readonly description: string;
}
