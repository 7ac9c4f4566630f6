import { AdminError } from './AdminError';
import { countDetails, SB_NS, tag, XSI_NS } from './atom';
import { DescriptionFields } from './DescriptionFields';
import type { EntityRecord } from './EntityRecord';
import { formatIsoDuration, MAX_ISO_DURATION } from './isoDuration';
import type { XmlElement } from './xml';

/** What a `TopicDescription` asks for (the shape of the broker's topic options, without subscriptions). */
export interface TopicSpec {
  readonly name: string;
  readonly defaultMessageTimeToLiveMs?: number;
  readonly requiresDuplicateDetection?: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs?: number;
}

/** A topic's settings as the broker holds them (defaults applied). */
export interface TopicSettings {
  readonly defaultMessageTimeToLiveMs: number;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindowMs: number;
}

/** A topic's runtime numbers. */
export interface TopicCounts {
  readonly sizeInBytes: number;
  readonly scheduled: number;
  readonly subscriptions: number;
}

/** Topic settings stored and echoed but acting on nothing, with the Service Bus defaults. */
export const inertTopicDefaults: Readonly<Record<string, string>> = {
  MaxSizeInMegabytes: '1024',
  EnableBatchedOperations: 'true',
  SupportOrdering: 'true',
  AutoDeleteOnIdle: MAX_ISO_DURATION,
  EnablePartitioning: 'false',
  EnableExpress: 'false',
  MaxMessageSizeInKilobytes: '256',
};

const INERT_KINDS = { EnableBatchedOperations: 'bool', SupportOrdering: 'bool', EnablePartitioning: 'bool', EnableExpress: 'bool', AutoDeleteOnIdle: 'duration' } as const;

/**
 * Reads the `TopicDescription` of a create or update request.
 * @throws AdminError 400 naming a malformed field, or a status other than Active.
 */
export function readTopicDescription(description: XmlElement, name: string): { spec: TopicSpec; inert: Record<string, string>; userMetadata: string | undefined } {
  const fields = new DescriptionFields(description);
  const ttl = fields.duration('DefaultMessageTimeToLive');
  const duplicateDetection = fields.bool('RequiresDuplicateDetection');
  const window = fields.duration('DuplicateDetectionHistoryTimeWindow');
  const status = fields.text('Status');
  if (status !== undefined && status !== 'Active') throw new AdminError(400, `Status '${status}' is not supported: topics are always Active.`);
  const spec: TopicSpec = {
    name,
    ...(ttl !== undefined && { defaultMessageTimeToLiveMs: ttl }),
    ...(duplicateDetection !== undefined && { requiresDuplicateDetection: duplicateDetection }),
    ...(window !== undefined && { duplicateDetectionHistoryTimeWindowMs: window }),
  };
  return { spec, inert: fields.inert(inertTopicDefaults, INERT_KINDS), userMetadata: fields.text('UserMetadata') };
}

/** A topic's `TopicDescription` with its settings, counts and times, in the order Service Bus writes them. */
export function writeTopicDescription(settings: TopicSettings, record: EntityRecord, counts: TopicCounts): string {
  const inert = { ...inertTopicDefaults, ...record.inert };
  const time = (ms: number): string => new Date(ms).toISOString();
  return (
    `<TopicDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">` +
    tag('DefaultMessageTimeToLive', formatIsoDuration(settings.defaultMessageTimeToLiveMs)) +
    tag('MaxSizeInMegabytes', inert['MaxSizeInMegabytes'] as string) +
    tag('RequiresDuplicateDetection', settings.requiresDuplicateDetection) +
    tag('DuplicateDetectionHistoryTimeWindow', formatIsoDuration(settings.duplicateDetectionHistoryTimeWindowMs)) +
    tag('EnableBatchedOperations', inert['EnableBatchedOperations'] as string) +
    tag('SizeInBytes', counts.sizeInBytes) +
    tag('FilteringMessagesBeforePublishing', false) +
    tag('IsAnonymousAccessible', false) +
    '<AuthorizationRules/>' +
    tag('Status', 'Active') +
    tag('CreatedAt', time(record.createdAt)) +
    tag('UpdatedAt', time(record.updatedAt)) +
    tag('AccessedAt', time(record.accessedAt)) +
    tag('SupportOrdering', inert['SupportOrdering'] as string) +
    countDetails({ active: 0, deadLettered: 0, scheduled: counts.scheduled }) +
    tag('SubscriptionCount', counts.subscriptions) +
    tag('AutoDeleteOnIdle', inert['AutoDeleteOnIdle'] as string) +
    tag('EnablePartitioning', inert['EnablePartitioning'] as string) +
    tag('IsExpress', false) +
    tag('EntityAvailabilityStatus', 'Available') +
    tag('EnableSubscriptionPartitioning', false) +
    tag('EnableExpress', inert['EnableExpress'] as string) +
    (record.userMetadata === undefined ? '' : tag('UserMetadata', record.userMetadata)) +
    tag('MaxMessageSizeInKilobytes', inert['MaxMessageSizeInKilobytes'] as string) +
    `</TopicDescription>`
  );
}
