export type { EmulatorOptions, QueueOptions } from './EmulatorOptions';
export type { EmulatorEntities } from './EmulatorEntities';
export type { TopicOptions, SubscriptionOptions, RuleOptions, RuleFilterOptions, CorrelationFilterOptions } from './TopicOptions';
export { EmulatorConfigError, isEmulatorConfigError } from './EmulatorConfigError';
export { parseEmulatorConfig } from './parseEmulatorConfig';
export { loadEmulatorConfigFile } from './loadEmulatorConfigFile';
export { parseIsoDuration } from './parseIsoDuration';
export { defaultQueues } from './defaultQueues';
export { queueDefaults, minLockDurationMs, maxLockDurationMs } from './queueDefaults';
