import { types, type Typed } from '../rhea/codec';
import type { MessageContent } from '../wire/MessageContent';
import { Section } from '../wire/sections';
import { fromFilterValue, toFilterValue } from './filterValues';
import { PROPERTY_INDEX, type MessageView } from './MessageView';
import type { FilterValue, MutableFilterSubject } from './RuleFilter';

const SYMBOL_FIELDS = new Set([6]); // content-type is an AMQP symbol
const TIME_TO_LIVE = 'timetolive';
/** `header.ttl` is an AMQP uint (ms). */
const MAX_UINT = 0xffff_ffff;
const PROPERTIES_LENGTH = 13;

/**
 * One subscription's copy of a message while rule actions change it: reads go to the changes first,
 * then to the shared {@link MessageView}; {@link toContent} re-encodes the properties and
 * application-properties sections only when something changed (the body is never touched).
 * `SET`/`REMOVE` of a system property applies to the properties a sender may set (MessageId, To,
 * Label/Subject, ReplyTo, CorrelationId, ContentType, SessionId, ReplyToSessionId) and to `TimeToLive`
 * (ms, the AMQP header's ttl); others are ignored.
 */
export class EditableMessage implements MutableFilterSubject {
  /** Properties-list index → new value (`null` = removed). */
  private readonly systemChanges = new Map<number, Typed | null>();
  /** Application property → new value (`null` = removed). */
  private readonly userChanges = new Map<string, Typed | null>();
  /** `sys.TimeToLive` in ms when an action set it (`null` = removed). */
  private timeToLive: number | null | undefined = undefined;

  constructor(private readonly view: MessageView) {}

  system(name: string): FilterValue | undefined {
    if (this.timeToLive !== undefined && name.toLowerCase() === TIME_TO_LIVE) return this.timeToLive ?? undefined;
    const index = PROPERTY_INDEX[name.toLowerCase()];
    if (index !== undefined && this.systemChanges.has(index)) return toFilterValue(this.systemChanges.get(index));
    return this.view.system(name);
  }

  user(name: string): FilterValue | undefined {
    return this.userChanges.has(name) ? toFilterValue(this.userChanges.get(name)) : this.view.user(name);
  }

  setSystem(name: string, value: FilterValue | undefined): void {
    if (name.toLowerCase() === TIME_TO_LIVE) {
      const ms = typeof value === 'bigint' ? Number(value) : value;
      if (ms === undefined) this.timeToLive = null;
      else if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) this.timeToLive = Math.min(Math.round(ms), MAX_UINT);
      return;
    }
    const index = PROPERTY_INDEX[name.toLowerCase()];
    if (index === undefined) return;
    if (value === undefined) {
      this.systemChanges.set(index, null);
      return;
    }
    this.systemChanges.set(index, SYMBOL_FIELDS.has(index) ? types.wrap_symbol(String(value)) : index === 0 ? messageId(value) : types.wrap_string(text(value)));
  }

  setUser(name: string, value: FilterValue | undefined): void {
    this.userChanges.set(name, value === undefined ? null : fromFilterValue(value));
  }

  removeUser(name: string): void {
    this.userChanges.set(name, null);
  }

  removeSystem(name: string): void {
    this.setSystem(name, undefined);
  }

  /** The copy's content: the original when nothing changed, else re-encoded properties / application-properties. */
  toContent(): MessageContent {
    const original = this.view.content;
    if (this.systemChanges.size === 0 && this.userChanges.size === 0 && this.timeToLive === undefined) return original;
    const bare = original.bare;
    const { propertiesEnd, applicationEnd } = this.view.sectionBounds();
    let propertiesBytes = bare.subarray(0, propertiesEnd);
    let sessionId = original.sessionId;
    let messageIdValue = original.messageId;
    if (this.systemChanges.size > 0) {
      const items: (Typed | null)[] = [];
      const current = this.view.properties();
      for (let i = 0; i < PROPERTIES_LENGTH; i++) items.push(current[i] ?? null);
      for (const [index, value] of this.systemChanges) items[index] = value;
      while (items.length > 0 && items[items.length - 1] === null) items.pop();
      propertiesBytes = items.length === 0 ? Buffer.alloc(0) : encode(types.described(types.wrap_ulong(Section.properties), types.List32(items)) as Typed);
      const group = items[10]?.value as unknown;
      sessionId = typeof group === 'string' ? group : undefined;
      messageIdValue = items[0] ?? undefined;
    }
    let applicationBytes = bare.subarray(propertiesEnd, applicationEnd);
    if (this.userChanges.size > 0) {
      const entries = new Map(this.view.userMap());
      for (const [key, value] of this.userChanges) {
        if (value === null) entries.delete(key);
        else entries.set(key, value);
      }
      const items: Typed[] = [];
      for (const [key, value] of entries) items.push(types.wrap_string(key), value);
      applicationBytes = items.length === 0 ? Buffer.alloc(0) : encode(types.described(types.wrap_ulong(Section.applicationProperties), types.Map32(items)) as Typed);
    }
    const ttl = this.timeToLive;
    return {
      ...original,
      ...(ttl === undefined
        ? {}
        : { header: { ...original.header, ttl: ttl === null ? null : types.wrap_uint(ttl) }, timeToLiveMs: ttl === null ? undefined : ttl }),
      bare: Buffer.concat([propertiesBytes, applicationBytes, bare.subarray(applicationEnd)]),
      sessionId,
      messageId: messageIdValue,
    };
  }
}

function encode(value: Typed): Buffer {
  const writer = new types.Writer();
  writer.write(value);
  return writer.toBuffer();
}

function text(value: FilterValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function messageId(value: FilterValue): Typed {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? types.wrap_ulong(value) : types.wrap_string(text(value));
}
