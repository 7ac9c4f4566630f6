import { Conditions } from '../wire/conditions';

/** A failed `$management` operation: replied with `statusCode`, `errorCondition` and `statusDescription`. */
export class ManagementError extends Error {
  override readonly name = 'ManagementError';

  constructor(
    readonly statusCode: number,
    readonly condition: string,
    description: string,
  ) {
    super(description);
  }

  /** 400 `com.microsoft:argument-error` naming the bad body field. */
  static argument(field: string, expectation: string): ManagementError {
    return new ManagementError(400, Conditions.argumentError, `The request body field '${field}' ${expectation}.`);
  }

  /** 410 `com.microsoft:session-lock-lost`. */
  static sessionLockLost(sessionId: string): ManagementError {
    return new ManagementError(
      410,
      Conditions.sessionLockLost,
      `The session lock has expired on the session with id '${sessionId}', or the session is not locked by this receiver.`,
    );
  }

  /** 410 `com.microsoft:message-lock-lost`. */
  static messageLockLost(): ManagementError {
    return new ManagementError(
      410,
      Conditions.messageLockLost,
      'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
    );
  }

  /** 404 `com.microsoft:message-not-found`. */
  static messageNotFound(sequenceNumber: number, what: string): ManagementError {
    return new ManagementError(404, Conditions.messageNotFound, `The ${what} message with sequence number ${sequenceNumber} could not be found.`);
  }
}
