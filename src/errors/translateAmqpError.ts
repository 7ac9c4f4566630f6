import { ConnectionClosedError } from './ConnectionClosedError';
import { EntityNotFoundError } from './EntityNotFoundError';
import { MessageLockLostError } from './MessageLockLostError';
import { ServiceBusRxError } from './ServiceBusRxError';
import { ServiceBusyError } from './ServiceBusyError';
import { ServiceTimeoutError } from './ServiceTimeoutError';
import { SessionCannotBeLockedError } from './SessionCannotBeLockedError';
import { SessionIdRequiredError } from './SessionIdRequiredError';
import { SessionLockLostError } from './SessionLockLostError';
import { SessionsNotEnabledError } from './SessionsNotEnabledError';
import { UnauthorizedError } from './UnauthorizedError';

/** An AMQP error as rhea reports it (`{ condition, description }`), or a management/CBS status. */
export interface AmqpErrorLike {
  readonly condition?: string | undefined;
  readonly description?: string | undefined;
  /** Management / CBS status code, when the failure came from a request/response node. */
  readonly statusCode?: number | undefined;
}

/** Context that makes translated errors precise. */
export interface TranslateContext {
  readonly sessionId?: string | undefined;
  readonly entityPath?: string | undefined;
}

const STATUS_TO_CONDITION: Readonly<Record<number, string>> = {
  401: 'amqp:unauthorized-access',
  404: 'amqp:not-found',
  408: 'com.microsoft:timeout',
  410: 'com.microsoft:session-lock-lost',
  503: 'com.microsoft:server-busy',
};

/** "A sessionful message receiver cannot be created on an entity that does not require sessions", "… does not require sessions." */
const SESSIONS_NOT_ENABLED = /does not (?:require|support) sessions|not session-?enabled|sessionful message receiver cannot be created/i;
/** "The SessionId was not set on a message…", "…requires sessions to create a non-sessionful message receiver". */
const SESSION_ID_REQUIRED = /SessionId was not set|requires sessions to create a non-sessionful|session ?id is required/i;

/**
 * Translates an AMQP error condition (from a detach, a rejected disposition, a CBS or management
 * reply) into this library's typed hierarchy. The single place where conditions are interpreted.
 * The original is kept as `cause`.
 */
export function translateAmqpError(err: AmqpErrorLike, context: TranslateContext = {}): ServiceBusRxError {
  const condition = err.condition ?? (err.statusCode === undefined ? undefined : STATUS_TO_CONDITION[err.statusCode]);
  const description = err.description ?? (condition ? `The broker reported ${condition}` : 'Unknown AMQP error');
  const cause = Object.assign(new Error(description), { condition, statusCode: err.statusCode });
  const sessionId = context.sessionId;
  switch (condition) {
    case 'com.microsoft:session-lock-lost':
      return new SessionLockLostError(sessionId ?? '', 'detached', { cause, condition, message: description });
    case 'com.microsoft:session-cannot-be-locked':
      return new SessionCannotBeLockedError(sessionId, { cause, message: description });
    case 'com.microsoft:message-lock-lost':
      return new MessageLockLostError(description, { cause, condition });
    case 'com.microsoft:timeout':
      return new ServiceTimeoutError(description, { cause, condition });
    case 'com.microsoft:server-busy':
      return new ServiceBusyError(description, { cause, condition });
    case 'amqp:unauthorized-access':
    case 'com.microsoft:auth-failed':
      return new UnauthorizedError(description, { cause, condition });
    case 'amqp:not-found':
    case 'com.microsoft:entity-not-found':
      return new EntityNotFoundError(description, { cause, condition });
    case 'amqp:connection:forced':
    case 'amqp:link:detach-forced':
    case 'com.microsoft:operation-cancelled':
      return new ConnectionClosedError(description, { cause, condition, retryable: true });
    case 'amqp:not-allowed': {
      // Service Bus reports both entity-kind mismatches with this condition; its description says which.
      if (SESSIONS_NOT_ENABLED.test(description)) return new SessionsNotEnabledError(description, context.entityPath, { cause, condition });
      if (SESSION_ID_REQUIRED.test(description)) return new SessionIdRequiredError(description, context.entityPath, { cause, condition });
      return new ServiceBusRxError(description, { cause, condition, retryable: false });
    }
    case 'amqp:internal-error':
      return new ServiceBusRxError(description, { cause, condition, retryable: true });
    default:
      // Unknown conditions are final: we would rather surface them than loop on them.
      return new ServiceBusRxError(description, { cause, condition: condition ?? undefined, retryable: false });
  }
}
