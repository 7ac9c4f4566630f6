/**
 * `servicebus-rx/emulator`: an in-process, Service-Bus-compatible AMQP 1.0 broker (queues, topics, sessions)
 * for tests and demos. The official `@azure/service-bus` SDK works against it unmodified.
 */
export { startEmulator } from './startEmulator';
export type { EmulatorHandle, EmulatorStats, QueueStats, TopicStats, InjectedFault } from './EmulatorHandle';
export { EmulatorOptionsError } from './EmulatorOptionsError';
export type { EmulatorOptions, QueueOptions, EmulatorLimits, SasKeyOptions, SasRight, JwtGrant, JwtValidator } from './config/EmulatorOptions';
export type { EmulatorEntities } from './config/EmulatorEntities';
export type { TopicOptions, SubscriptionOptions, RuleOptions, RuleFilterOptions, CorrelationFilterOptions } from './config/TopicOptions';
export type { FilterValue } from './filters/RuleFilter';
export { NamespaceError, isNamespaceError } from './entities/NamespaceError';
export { EntityNotFoundError } from './entities/EntityNotFoundError';
export { EntityAlreadyExistsError } from './entities/EntityAlreadyExistsError';
export { EntityOptionsError } from './entities/EntityOptionsError';
export {
  EmulatorConfigError,
  isEmulatorConfigError,
  parseEmulatorConfig,
  loadEmulatorConfigFile,
  parseIsoDuration,
  defaultQueues,
  queueDefaults,
  minLockDurationMs,
  maxLockDurationMs,
} from './config';
