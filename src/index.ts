/**
 * servicebus-rx: Azure Service Bus sessions as RxJS streams.
 * The embedded broker is a separate entry point: `servicebus-rx/emulator`.
 */

/* Client */
export { ServiceBusClient } from './client/ServiceBusClient';
export type { ServiceBusClientOptions } from './client/ServiceBusClientOptions';
export type { RetryOptions } from './retry/RetryOptions';
export type { OperationOptions } from './retry/OperationOptions';
export type { AcceptSessionOptions, AcceptNextSessionOptions, ReceiveMode } from './session/AcceptSessionOptions';
export type { SessionStateCodec, SessionStateEncoding } from './session/sessionStateCodec';
export type { OutgoingMessage } from './client/OutgoingMessage';
export type { TopicSubscription, ReceiveEntity } from './entity/TopicSubscription';

/* Sessions and messages */
export type { Session, SessionState, PeekOptions } from './session/Session';
export type { ReceivedMessage, PeekedMessage, DeadLetterOptions, PropertiesToModify, MessageState } from './session/ReceivedMessage';

/* Lock states */
export type { LockState, LockHeld, LockRenewed, LockTick, LockExpiring, LockLost, LockHandle } from './lock/LockState';

/* Auto-renewal */
export { autoRenew, type AutoRenewOptions, type AutoRenewRetryOptions } from './lock/autoRenew';
/** One scheduled action for many deadlines; `AutoRenewOptions.deadlines` accepts one. */
export { DeadlineQueue, type Deadline } from './time/DeadlineQueue';
export {
  AutoLockRenewTimeout,
  AutoLockRenewFailed,
  isAutoRenewErrorEvent,
  type AutoLockRenewError,
  type AutoRenewErrorEvent,
} from './lock/AutoLockRenewError';

/* Session pool */
export { sessionPool, type PoolableSession, type SessionAcceptor } from './pool/sessionPool';
export type { SessionPoolOptions, SessionPoolBackoff } from './pool/SessionPoolOptions';

/* Errors */
export {
  ServiceBusRxError,
  isServiceBusRxError,
  SessionLockLostError,
  SessionCannotBeLockedError,
  ServiceTimeoutError,
  ServiceBusyError,
  UnauthorizedError,
  EntityNotFoundError,
  MessageLockLostError,
  InvalidArgumentError,
  ConnectionClosedError,
  EntityKindMismatchError,
  SessionsNotEnabledError,
  SessionIdRequiredError,
  NoSessionAvailableError,
  SettlementOutcomeUnknownError,
  type LockLostReason,
} from './errors';

/* Diagnostics: `AZURE_LOG_LEVEL=info` or `setLogLevel('info')`; lines go to stderr unless `AzureLogger.log` is replaced */
export { setLogLevel, getLogLevel, AzureLogger, type AzureLogLevel } from '@azure/logger';
