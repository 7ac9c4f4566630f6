/* Option validation */
export { validateTimeout } from './validateTimeout';
export { validateDuration, type DurationRules } from './validateDuration';
export { validateCount } from './validateCount';

/* Retry */
export { retryWithin, resolveRetryWithin, runWithRetries, type RetryWithinOptions, type RetryPolicy, type RetryAttempt } from './retryWithin';
export { isRetryable } from './isRetryable';
export { backoffDelay, type BackoffConfig, type BackoffMode } from './backoffDelay';
