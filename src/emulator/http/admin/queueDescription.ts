import type { QueueOptions } from '../../config/EmulatorOptions';
import type { QueueStats } from '../../EmulatorHandle';
import type { ResolvedQueueOptions } from '../../entities/ResolvedQueueOptions';
import { countDetails, SB_NS, tag, XSI_NS } from './atom';
import { DescriptionFields } from './DescriptionFields';
import type { EntityRecord } from './EntityRecord';
import { forwardUrl } from './forwardTarget';
import { formatIsoDuration, MAX_ISO_DURATION } from './isoDuration';
import { readMessageStoreFields } from './subscriptionDescription';
import { child, localName, type XmlElement } from './xml';

/**
 * Settings the broker stores and echoes but that change nothing in its behaviour, with their Service
 * Bus defaults (the SDK requires most of them in every description it reads).
 */
export const inertQueueDefaults: Readonly<Record<string, string>> = {
  MaxSizeInMegabytes: '1024',
  EnableBatchedOperations: 'true',
  AutoDeleteOnIdle: MAX_ISO_DURATION,
  EnablePartitioning: 'false',
  EnableExpress: 'false',
  MaxMessageSizeInKilobytes: '256',
};

const INERT_KINDS = { EnableBatchedOperations: 'bool', EnablePartitioning: 'bool', EnableExpress: 'bool', AutoDeleteOnIdle: 'duration' } as const;

/** What a `QueueDescription` asks for: the queue's options and the inert settings to echo. */
export interface RequestedQueue {
  readonly options: QueueOptions;
  readonly inert: Readonly<Record<string, string>>;
  readonly userMetadata: string | undefined;
}

/**
 * Reads the `QueueDescription` of a create or update request. Absent fields take Service Bus defaults.
 *
 * @throws AdminError 400 naming the field for a malformed value, a lock duration out of range or a status
 * other than Active (the namespace then checks the options themselves, e.g. that a forwarding target exists).
 */
export function readQueueDescription(description: XmlElement, name: string): RequestedQueue {
  const fields = new DescriptionFields(description);
  const duplicateDetection = fields.bool('RequiresDuplicateDetection');
  const window = fields.duration('DuplicateDetectionHistoryTimeWindow');
  const options: QueueOptions = {
    name,
    ...readMessageStoreFields(fields),
    ...(duplicateDetection !== undefined && { requiresDuplicateDetection: duplicateDetection }),
    ...(window !== undefined && { duplicateDetectionHistoryTimeWindowMs: window }),
  };
  return { options, inert: fields.inert(inertQueueDefaults, INERT_KINDS), userMetadata: fields.text('UserMetadata') };
}

/** The description element of an entry's content (`QueueDescription`, `TopicDescription`, …), if any. */
export function descriptionOf(entry: XmlElement): XmlElement | undefined {
  if (localName(entry.name) !== 'entry') return undefined;
  return child(entry, 'content')?.children[0];
}

/** A queue's `QueueDescription` with its settings, runtime counts and times, in the order Service Bus writes them. */
export function writeQueueDescription(options: ResolvedQueueOptions, record: EntityRecord, stats: QueueStats, sizeInBytes: number, host: string): string {
  const inert = { ...inertQueueDefaults, ...record.inert };
  const time = (ms: number): string => new Date(ms).toISOString();
  const total = stats.active + stats.deferred + stats.scheduled + stats.deadLettered;
  const forwardTo = forwardUrl(host, options.forwardTo);
  const forwardDeadLettered = forwardUrl(host, options.forwardDeadLetteredMessagesTo);
  return (
    `<QueueDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">` +
    tag('LockDuration', formatIsoDuration(options.lockDurationMs)) +
    tag('MaxSizeInMegabytes', inert['MaxSizeInMegabytes'] as string) +
    tag('RequiresDuplicateDetection', options.requiresDuplicateDetection) +
    tag('RequiresSession', options.requiresSession) +
    tag('DefaultMessageTimeToLive', formatIsoDuration(options.defaultMessageTimeToLiveMs)) +
    tag('DeadLetteringOnMessageExpiration', options.deadLetteringOnMessageExpiration) +
    tag('DuplicateDetectionHistoryTimeWindow', formatIsoDuration(options.duplicateDetectionHistoryTimeWindowMs)) +
    tag('MaxDeliveryCount', options.maxDeliveryCount) +
    tag('EnableBatchedOperations', inert['EnableBatchedOperations'] as string) +
    tag('SizeInBytes', sizeInBytes) +
    tag('MessageCount', total) +
    tag('IsAnonymousAccessible', false) +
    '<AuthorizationRules/>' +
    tag('Status', 'Active') +
    (forwardTo === undefined ? '' : tag('ForwardTo', forwardTo)) +
    tag('CreatedAt', time(record.createdAt)) +
    tag('UpdatedAt', time(record.updatedAt)) +
    tag('AccessedAt', time(record.accessedAt)) +
    tag('SupportOrdering', true) +
    countDetails(stats) +
    tag('AutoDeleteOnIdle', inert['AutoDeleteOnIdle'] as string) +
    tag('EnablePartitioning', inert['EnablePartitioning'] as string) +
    tag('EntityAvailabilityStatus', 'Available') +
    (forwardDeadLettered === undefined ? '' : tag('ForwardDeadLetteredMessagesTo', forwardDeadLettered)) +
    tag('EnableExpress', inert['EnableExpress'] as string) +
    (record.userMetadata === undefined ? '' : tag('UserMetadata', record.userMetadata)) +
    tag('MaxMessageSizeInKilobytes', inert['MaxMessageSizeInKilobytes'] as string) +
    `</QueueDescription>`
  );
}
