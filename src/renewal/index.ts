/* Lock timing */
export { DeadlineQueue } from './DeadlineQueue';
export { renewAt, renewDelay, RENEW_IMMEDIATELY_BELOW_MS, DEFAULT_MAX_RENEW_MARGIN_MS, type RenewAtInput } from './renewDelay';
export { lockTimeline, type LockTimelineConfig, type LockUpdate } from './lockTimeline';

/* Auto-renew errors */
export { AutoLockRenewTimeout, AutoLockRenewFailed, type AutoLockRenewError, type AutoRenewErrorEvent } from './AutoLockRenewError';
