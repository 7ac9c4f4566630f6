import type { QueueOptions } from '../../config/EmulatorOptions';
import { maxLockDurationMs, minLockDurationMs } from '../../config/queueDefaults';
import type { QueueStats } from '../../EmulatorHandle';
import type { ResolvedQueueOptions } from '../../entities/ResolvedQueueOptions';
import { AdminError } from './AdminError';
import { countDetails, SB_NS, tag, XSI_NS } from './atom';
import { DescriptionFields } from './DescriptionFields';
import { formatIsoDuration, MAX_ISO_DURATION } from './isoDuration';
import { child, localName, type XmlElement } from './xml';

/**
 * Settings the broker stores and echoes but that change nothing in its behaviour, with their Service
 * Bus defaults (the SDK requires most of them in every description it reads).
 */
export const inertQueueDefaults: Readonly<Record<string, string>> = {
  MaxSizeInMegabytes: '1024',
  DuplicateDetectionHistoryTimeWindow: 'PT10M',
  EnableBatchedOperations: 'true',
  AutoDeleteOnIdle: MAX_ISO_DURATION,
  EnablePartitioning: 'false',
  EnableExpress: 'false',
  MaxMessageSizeInKilobytes: '256',
};

/** What a `QueueDescription` asks for: the queue's options and the inert settings to echo. */
export interface RequestedQueue {
  readonly options: QueueOptions;
  readonly inert: Readonly<Record<string, string>>;
  readonly userMetadata: string | undefined;
}

/**
 * Reads the `QueueDescription` of a create or update request. Absent fields take Service Bus defaults.
 *
 * @throws AdminError 400 naming the field for a malformed value, a lock duration out of range, or a
 * setting whose behaviour the broker does not have (duplicate detection, forwarding, a disabled status).
 */
export function readQueueDescription(description: XmlElement, name: string): RequestedQueue {
  const fields = new DescriptionFields(description);
  const lockDurationMs = fields.duration('LockDuration');
  if (lockDurationMs !== undefined && (lockDurationMs < minLockDurationMs || lockDurationMs > maxLockDurationMs)) {
    throw new AdminError(400, `LockDuration must be between ${formatIsoDuration(minLockDurationMs)} and ${formatIsoDuration(maxLockDurationMs)}.`);
  }
  const maxDeliveryCount = fields.positiveInteger('MaxDeliveryCount');
  const ttl = fields.duration('DefaultMessageTimeToLive');
  if (ttl !== undefined && ttl <= 0) throw new AdminError(400, 'DefaultMessageTimeToLive must be positive.');
  if (fields.bool('RequiresDuplicateDetection') === true) throw new AdminError(400, 'RequiresDuplicateDetection: duplicate detection is not supported by this emulator.');
  for (const field of ['ForwardTo', 'ForwardDeadLetteredMessagesTo']) {
    if (fields.text(field) !== undefined) throw new AdminError(400, `${field}: forwarding is not supported by this emulator's queues.`);
  }
  const status = fields.text('Status');
  if (status !== undefined && status !== 'Active') throw new AdminError(400, `Status '${status}' is not supported: queues are always Active.`);
  const inert = fields.inert(inertQueueDefaults, INERT_KINDS);
  const requiresSession = fields.bool('RequiresSession');
  const deadLettering = fields.bool('DeadLetteringOnMessageExpiration');
  const options: QueueOptions = {
    name,
    ...(requiresSession !== undefined && { requiresSession }),
    ...(lockDurationMs !== undefined && { lockDurationMs }),
    ...(maxDeliveryCount !== undefined && { maxDeliveryCount }),
    ...(ttl !== undefined && { defaultMessageTimeToLiveMs: ttl }),
    ...(deadLettering !== undefined && { deadLetteringOnMessageExpiration: deadLettering }),
  };
  return { options, inert, userMetadata: fields.text('UserMetadata') };
}

const INERT_KINDS = {
  EnableBatchedOperations: 'bool',
  EnablePartitioning: 'bool',
  EnableExpress: 'bool',
  DuplicateDetectionHistoryTimeWindow: 'duration',
  AutoDeleteOnIdle: 'duration',
} as const;

/** The description element of an entry's content (`QueueDescription`, `TopicDescription`, …), if any. */
export function descriptionOf(entry: XmlElement): XmlElement | undefined {
  if (localName(entry.name) !== 'entry') return undefined;
  return child(entry, 'content')?.children[0];
}

/** Times and echoed settings the administration side keeps per queue. */
export interface QueueRecord {
  readonly createdAt: number;
  updatedAt: number;
  accessedAt: number;
  inert: Readonly<Record<string, string>>;
  userMetadata: string | undefined;
}

/** A queue's `QueueDescription` with its settings, runtime counts and times, in the order Service Bus writes them. */
export function writeQueueDescription(options: ResolvedQueueOptions, record: QueueRecord, stats: QueueStats, sizeInBytes: number): string {
  const inert = record.inert;
  const time = (ms: number): string => new Date(ms).toISOString();
  const total = stats.active + stats.deferred + stats.scheduled + stats.deadLettered;
  return (
    `<QueueDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">` +
    tag('LockDuration', formatIsoDuration(options.lockDurationMs)) +
    tag('MaxSizeInMegabytes', inert['MaxSizeInMegabytes'] ?? '1024') +
    tag('RequiresDuplicateDetection', false) +
    tag('RequiresSession', options.requiresSession) +
    tag('DefaultMessageTimeToLive', formatIsoDuration(options.defaultMessageTimeToLiveMs)) +
    tag('DeadLetteringOnMessageExpiration', options.deadLetteringOnMessageExpiration) +
    tag('DuplicateDetectionHistoryTimeWindow', inert['DuplicateDetectionHistoryTimeWindow'] ?? 'PT10M') +
    tag('MaxDeliveryCount', options.maxDeliveryCount) +
    tag('EnableBatchedOperations', inert['EnableBatchedOperations'] ?? 'true') +
    tag('SizeInBytes', sizeInBytes) +
    tag('MessageCount', total) +
    tag('IsAnonymousAccessible', false) +
    '<AuthorizationRules/>' +
    tag('Status', 'Active') +
    tag('CreatedAt', time(record.createdAt)) +
    tag('UpdatedAt', time(record.updatedAt)) +
    tag('AccessedAt', time(record.accessedAt)) +
    tag('SupportOrdering', true) +
    countDetails(stats) +
    tag('AutoDeleteOnIdle', inert['AutoDeleteOnIdle'] ?? MAX_ISO_DURATION) +
    tag('EnablePartitioning', inert['EnablePartitioning'] ?? 'false') +
    tag('EntityAvailabilityStatus', 'Available') +
    tag('EnableExpress', inert['EnableExpress'] ?? 'false') +
    (record.userMetadata === undefined ? '' : tag('UserMetadata', record.userMetadata)) +
    tag('MaxMessageSizeInKilobytes', inert['MaxMessageSizeInKilobytes'] ?? '256') +
    `</QueueDescription>`
  );
}
