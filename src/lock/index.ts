/* Lock timing */
export { renewAt, renewDelay, RENEW_IMMEDIATELY_BELOW_MS, DEFAULT_MAX_RENEW_MARGIN_MS, type RenewAtInput } from './renewDelay';
export { lockTimeline, type LockTimelineConfig, type LockUpdate } from './lockTimeline';

/* Auto-renewal */
export { autoRenew, type AutoRenewOptions, type AutoRenewRetryOptions } from './autoRenew';
export {
  AutoLockRenewTimeout,
  AutoLockRenewFailed,
  isAutoRenewErrorEvent,
  type AutoLockRenewError,
  type AutoRenewErrorEvent,
} from './AutoLockRenewError';
