/**
 * `servicebus-rx/emulator`: an in-process, Service-Bus-compatible AMQP 1.0 broker (queues and sessions)
 * for tests and demos. The official `@azure/service-bus` SDK works against it unmodified.
 */
export { startEmulator } from './startEmulator';
export type { EmulatorHandle, EmulatorStats, QueueStats, InjectedFault } from './EmulatorHandle';
export { EmulatorOptionsError } from './EmulatorOptionsError';
export type { EmulatorOptions, QueueOptions, EmulatorLimits, SasKeyOptions, SasRight, JwtGrant, JwtValidator } from './config/EmulatorOptions';
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
