import { types, type Typed } from '../rhea/codec';
import type { MessageContent } from '../wire/MessageContent';
import { Section, sectionCodeAt } from '../wire/sections';
import { toFilterValue } from './filterValues';
import type { FilterSubject, FilterValue } from './RuleFilter';

/** Index of each Service Bus system property in the AMQP properties list (lower-case names). */
export const PROPERTY_INDEX: Readonly<Record<string, number>> = {
  messageid: 0,
  to: 2,
  label: 3,
  subject: 3,
  replyto: 4,
  correlationid: 5,
  contenttype: 6,
  sessionid: 10,
  replytosessionid: 12,
};

/** Broker facts about the message being routed (the topic's sequence number and enqueue time). */
export interface RoutingFacts {
  readonly sequenceNumber: number;
  readonly enqueuedAt: number;
}

/**
 * A stored message as rule filters read it ({@link FilterSubject}). Decodes lazily: the properties
 * section on the first `sys.` read of a message property, the application-properties on the first
 * `user.` read, each once however many rules and subscriptions look. One view is shared by every
 * subscription of a fan-out.
 */
export class MessageView implements FilterSubject {
  private propertyItems: readonly (Typed | undefined)[] | undefined;
  private userItems: Map<string, Typed> | undefined;
  /** Byte offsets in `content.bare`: end of the properties section, end of the application-properties. */
  private bounds: { readonly propertiesEnd: number; readonly applicationEnd: number } | undefined;

  constructor(
    readonly content: MessageContent,
    private readonly facts: RoutingFacts,
  ) {}

  system(name: string): FilterValue | undefined {
    const key = name.toLowerCase();
    const index = PROPERTY_INDEX[key];
    if (index !== undefined) return toFilterValue(this.properties()[index]);
    switch (key) {
      case 'timetolive':
        return this.content.timeToLiveMs;
      case 'scheduledenqueuetimeutc':
        return this.content.scheduledEnqueueTimeMs === undefined ? undefined : new Date(this.content.scheduledEnqueueTimeMs);
      case 'sequencenumber':
        return this.facts.sequenceNumber;
      case 'enqueuedtimeutc':
        return new Date(this.facts.enqueuedAt);
      case 'expiresatutc':
        return this.content.timeToLiveMs === undefined ? undefined : new Date(this.facts.enqueuedAt + this.content.timeToLiveMs);
      case 'deliverycount':
        return 0;
      case 'size':
        return this.content.bare.length;
      case 'partitionkey':
        return this.annotation('x-opt-partition-key');
      default:
        return undefined;
    }
  }

  user(name: string): FilterValue | undefined {
    return toFilterValue(this.userMap().get(name));
  }

  /** The properties list items (decoded once). */
  properties(): readonly (Typed | undefined)[] {
    if (this.propertyItems === undefined) {
      const bare = this.content.bare;
      if (sectionCodeAt(bare, 0) === Section.properties) {
        const section = new types.Reader(bare).read();
        this.propertyItems = Array.isArray(section.value) ? (section.value as Typed[]) : [];
      } else {
        this.propertyItems = [];
      }
    }
    return this.propertyItems;
  }

  /** The application properties by name (decoded once). */
  userMap(): ReadonlyMap<string, Typed> {
    if (this.userItems === undefined) {
      const map = new Map<string, Typed>();
      const { propertiesEnd } = this.sectionBounds();
      const bare = this.content.bare;
      if (sectionCodeAt(bare, propertiesEnd) === Section.applicationProperties) {
        const reader = new types.Reader(bare.subarray(propertiesEnd));
        const items = reader.read().value as unknown;
        if (Array.isArray(items)) {
          for (let i = 0; i + 1 < items.length; i += 2) {
            const key = (items[i] as Typed).value as unknown;
            if (typeof key === 'string') map.set(key, items[i + 1] as Typed);
          }
        }
      }
      this.userItems = map;
    }
    return this.userItems;
  }

  /** Where the properties and application-properties sections end in `content.bare`. */
  sectionBounds(): { readonly propertiesEnd: number; readonly applicationEnd: number } {
    if (this.bounds === undefined) {
      const bare = this.content.bare;
      const reader = new types.Reader(bare);
      let propertiesEnd = 0;
      if (sectionCodeAt(bare, 0) === Section.properties) {
        reader.read();
        propertiesEnd = reader.position;
      }
      let applicationEnd = propertiesEnd;
      if (sectionCodeAt(bare, propertiesEnd) === Section.applicationProperties) {
        reader.read();
        applicationEnd = reader.position;
      }
      this.bounds = { propertiesEnd, applicationEnd };
    }
    return this.bounds;
  }

  private annotation(name: string): FilterValue | undefined {
    const items = this.content.annotations;
    for (let i = 0; i + 1 < items.length; i += 2) if (items[i]?.value === name) return toFilterValue(items[i + 1]);
    return undefined;
  }
}
