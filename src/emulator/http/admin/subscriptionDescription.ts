import { maxLockDurationMs, minLockDurationMs } from '../../config/queueDefaults';
import type { QueueStats } from '../../EmulatorHandle';
import { AdminError } from './AdminError';
import { countDetails, SB_NS, tag, XSI_NS } from './atom';
import { DescriptionFields } from './DescriptionFields';
import type { EntityRecord } from './EntityRecord';
import { forwardTarget, forwardUrl } from './forwardTarget';
import type { SubscriptionOptions } from '../../config/TopicOptions';
import { formatIsoDuration, MAX_ISO_DURATION } from './isoDuration';
import { readRuleDescription, type RuleSpec } from './ruleDescription';
import { child, type XmlElement } from './xml';

/**
 * What a `SubscriptionDescription` asks for: the broker's subscription options, whose `rules` come from
 * `DefaultRuleDescription` (the one rule a new subscription starts with, else `$Default`, true).
 */
export type SubscriptionSpec = Omit<SubscriptionOptions, 'rules'> & { readonly rules?: readonly RuleSpec[] };

/** A subscription's (or queue's) settings as the broker holds them. */
export interface MessageStoreSettings {
  readonly requiresSession: boolean;
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  readonly defaultMessageTimeToLiveMs: number;
  readonly deadLetteringOnMessageExpiration: boolean;
  readonly forwardTo: string | undefined;
  readonly forwardDeadLetteredMessagesTo: string | undefined;
}

/** Subscription settings stored and echoed but acting on nothing, with the Service Bus defaults. */
export const inertSubscriptionDefaults: Readonly<Record<string, string>> = {
  DeadLetteringOnFilterEvaluationExceptions: 'true',
  EnableBatchedOperations: 'true',
  AutoDeleteOnIdle: MAX_ISO_DURATION,
};

const INERT_KINDS = { DeadLetteringOnFilterEvaluationExceptions: 'bool', EnableBatchedOperations: 'bool', AutoDeleteOnIdle: 'duration' } as const;

/** Reads the settings common to queues and subscriptions (lock, deliveries, TTL, dead-lettering, forwarding). @throws AdminError 400 */
export function readMessageStoreFields(fields: DescriptionFields): Omit<SubscriptionSpec, 'name' | 'rules'> {
  const lockDurationMs = fields.duration('LockDuration');
  if (lockDurationMs !== undefined && (lockDurationMs < minLockDurationMs || lockDurationMs > maxLockDurationMs)) {
    throw new AdminError(400, `LockDuration must be between ${formatIsoDuration(minLockDurationMs)} and ${formatIsoDuration(maxLockDurationMs)}.`);
  }
  const maxDeliveryCount = fields.positiveInteger('MaxDeliveryCount');
  const ttl = fields.duration('DefaultMessageTimeToLive');
  if (ttl !== undefined && ttl <= 0) throw new AdminError(400, 'DefaultMessageTimeToLive must be positive.');
  const status = fields.text('Status');
  if (status !== undefined && status !== 'Active') throw new AdminError(400, `Status '${status}' is not supported: entities are always Active.`);
  const requiresSession = fields.bool('RequiresSession');
  const deadLettering = fields.bool('DeadLetteringOnMessageExpiration');
  const forwardTo = forwardTarget(fields.text('ForwardTo'), 'ForwardTo');
  const forwardDeadLettered = forwardTarget(fields.text('ForwardDeadLetteredMessagesTo'), 'ForwardDeadLetteredMessagesTo');
  return {
    ...(requiresSession !== undefined && { requiresSession }),
    ...(lockDurationMs !== undefined && { lockDurationMs }),
    ...(maxDeliveryCount !== undefined && { maxDeliveryCount }),
    ...(ttl !== undefined && { defaultMessageTimeToLiveMs: ttl }),
    ...(deadLettering !== undefined && { deadLetteringOnMessageExpiration: deadLettering }),
    ...(forwardTo !== undefined && { forwardTo }),
    ...(forwardDeadLettered !== undefined && { forwardDeadLetteredMessagesTo: forwardDeadLettered }),
  };
}

/**
 * Reads the `SubscriptionDescription` of a create or update request.
 * @throws AdminError 400 naming a malformed field or rule.
 */
export function readSubscriptionDescription(
  description: XmlElement,
  name: string,
): { spec: SubscriptionSpec; inert: Record<string, string>; userMetadata: string | undefined } {
  const fields = new DescriptionFields(description);
  const defaultRule = child(description, 'DefaultRuleDescription');
  const spec: SubscriptionSpec = {
    name,
    ...readMessageStoreFields(fields),
    ...(defaultRule !== undefined && { rules: [readRuleDescription(defaultRule, '$Default')] }),
  };
  return { spec, inert: fields.inert(inertSubscriptionDefaults, INERT_KINDS), userMetadata: fields.text('UserMetadata') };
}

/** A subscription's `SubscriptionDescription` with its settings, counts and times, in Service Bus's order. */
export function writeSubscriptionDescription(settings: MessageStoreSettings, record: EntityRecord, stats: QueueStats, host: string): string {
  const inert = { ...inertSubscriptionDefaults, ...record.inert };
  const time = (ms: number): string => new Date(ms).toISOString();
  const forwardTo = forwardUrl(host, settings.forwardTo);
  const forwardDeadLettered = forwardUrl(host, settings.forwardDeadLetteredMessagesTo);
  return (
    `<SubscriptionDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">` +
    tag('LockDuration', formatIsoDuration(settings.lockDurationMs)) +
    tag('RequiresSession', settings.requiresSession) +
    tag('DefaultMessageTimeToLive', formatIsoDuration(settings.defaultMessageTimeToLiveMs)) +
    tag('DeadLetteringOnMessageExpiration', settings.deadLetteringOnMessageExpiration) +
    tag('DeadLetteringOnFilterEvaluationExceptions', inert['DeadLetteringOnFilterEvaluationExceptions'] as string) +
    tag('MessageCount', stats.active + stats.deferred + stats.scheduled + stats.deadLettered) +
    tag('MaxDeliveryCount', settings.maxDeliveryCount) +
    tag('EnableBatchedOperations', inert['EnableBatchedOperations'] as string) +
    tag('Status', 'Active') +
    (forwardTo === undefined ? '' : tag('ForwardTo', forwardTo)) +
    tag('CreatedAt', time(record.createdAt)) +
    tag('UpdatedAt', time(record.updatedAt)) +
    tag('AccessedAt', time(record.accessedAt)) +
    countDetails(stats) +
    (record.userMetadata === undefined ? '' : tag('UserMetadata', record.userMetadata)) +
    (forwardDeadLettered === undefined ? '' : tag('ForwardDeadLetteredMessagesTo', forwardDeadLettered)) +
    tag('AutoDeleteOnIdle', inert['AutoDeleteOnIdle'] as string) +
    tag('EntityAvailabilityStatus', 'Available') +
    `</SubscriptionDescription>`
  );
}
