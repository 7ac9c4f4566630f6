/**
 * The values a queue gets for every property its configuration leaves out (Azure Service Bus's
 * defaults, not the official emulator's: that one defaults `MaxDeliveryCount` to 3 and
 * `DefaultMessageTimeToLive` to one hour). No `defaultMessageTimeToLiveMs` means unlimited.
 */
export const queueDefaults = {
  requiresSession: false,
  lockDurationMs: 60_000,
  maxDeliveryCount: 10,
  deadLetteringOnMessageExpiration: false,
} as const;

/** Shortest `LockDuration` accepted (100 ms); the official emulator's minimum is 5 s. */
export const minLockDurationMs = 100;
/** Longest `LockDuration` accepted (5 minutes, as in Azure Service Bus and the official emulator). */
export const maxLockDurationMs = 5 * 60_000;
